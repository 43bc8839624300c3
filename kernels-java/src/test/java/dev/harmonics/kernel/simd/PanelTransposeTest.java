package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lane-select transposition against its definition, for depths with and without a tail. */
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
}
