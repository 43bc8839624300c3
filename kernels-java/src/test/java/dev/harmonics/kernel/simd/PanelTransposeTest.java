package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lane-select transposition against its definition, for depths with and without a tail, from
 * staged rows and straight from a segment with a row stride longer than the depth.
 */
class PanelTransposeTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 100, 255, 256})
  void matchesTheDefinition(int kc) {
    Random random = new Random(kc);
    float[] rows = new float[GemmMicroKernel.MR * kc];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextFloat() - 0.5f;
    }
    int at = 5;
    float[] expected = new float[at + rows.length + 3];
    float[] actual = expected.clone();
    for (int p = 0; p < kc; p++) {
      for (int r = 0; r < GemmMicroKernel.MR; r++) {
        expected[at + p * GemmMicroKernel.MR + r] = rows[r * kc + p];
      }
    }
    PanelTranspose.apply(rows, kc, actual, at);
    assertArrayEquals(expected, actual);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 16, 17, 33, 100, 256})
  void fromASegmentMatchesTheDefinition(int kc) {
    int mr = GemmMicroKernel.MR;
    int ld = kc + 9;
    int first = 2;
    Random random = new Random(kc);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment matrix = arena.allocate((long) (mr + 1) * ld * Float.BYTES, 4);
      for (long i = 0; i < matrix.byteSize() / Float.BYTES; i++) {
        matrix.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() - 0.5f);
      }
      long start = (long) first * Float.BYTES;
      int at = 5;
      float[] expected = new float[at + mr * kc + 3];
      float[] actual = expected.clone();
      for (int p = 0; p < kc; p++) {
        for (int r = 0; r < mr; r++) {
          expected[at + p * mr + r] =
              matrix.getAtIndex(ValueLayout.JAVA_FLOAT, (long) r * ld + first + p);
        }
      }
      PanelTranspose.apply(matrix, start, (long) ld * Float.BYTES, kc, actual, at);
      assertArrayEquals(expected, actual);
    }
  }
}
