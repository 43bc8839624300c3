package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The register transposition of B panels against its definition: full and partial panels (rows
 * past the filled ones must come out zero), depths with and without a tail, a row stride longer
 * than the depth.
 */
class PanelBlockTransposeTest {

  @ParameterizedTest
  @CsvSource({"32, 16", "32, 256", "32, 37", "17, 16", "16, 100", "5, 3", "1, 33", "31, 1"})
  void matchesTheDefinition(int filled, int kc) {
    Assumptions.assumeTrue(PanelBlockTranspose.applies(),
        "the register transposition is written for 16-lane vectors; other widths keep gathers");
    int nr = GemmMicroKernel.NR;
    int ld = kc + 7;
    int first = 3;
    Random random = new Random(31L * filled + kc);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment matrix = arena.allocate((long) (filled + 1) * ld * Float.BYTES, 4);
      for (long i = 0; i < matrix.byteSize() / Float.BYTES; i++) {
        matrix.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() - 0.5f);
      }
      long at = 64;
      MemorySegment panel = arena.allocate(at + (long) kc * nr * Float.BYTES, 64);
      panel.fill((byte) 0x7f);
      PanelBlockTranspose.panel(matrix, (long) first * Float.BYTES, (long) ld * Float.BYTES,
          filled, kc, panel, at);
      for (int p = 0; p < kc; p++) {
        for (int j = 0; j < nr; j++) {
          long source = (long) j * ld + first + p;
          float expected = j < filled ? matrix.getAtIndex(ValueLayout.JAVA_FLOAT, source) : 0f;
          float actual = panel.get(ValueLayout.JAVA_FLOAT, at + ((long) p * nr + j) * Float.BYTES);
          assertEquals(expected, actual, "K step " + p + ", row " + j);
        }
      }
    }
  }
}
