package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class SimdSpeciesTest {

  @Test
  void usesTheForcedWidthOrTheMachinesPreferredOne() {
    String forced = System.getProperty("harmonics.simd.bits");
    int expected = forced == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize()
        : Integer.parseInt(forced);
    assertEquals(expected, SimdSpecies.FLOAT.vectorBitSize());
    assertEquals(expected / Float.SIZE, SimdSpecies.LANES);
  }

  @Test
  void plansForTheForcedRegisterCountOrTheMachinesOne() {
    String forced = System.getProperty("harmonics.simd.registers");
    boolean wide = "aarch64".equals(System.getProperty("os.arch"))
        || FloatVector.SPECIES_PREFERRED.vectorBitSize() == 512;
    int expected = forced != null && !forced.isBlank() ? Integer.parseInt(forced.trim())
        : wide ? 32 : 16;
    assertEquals(expected, SimdSpecies.VECTOR_REGISTERS);
    assertEquals(expected == 32 ? 6 : 4, GemmMicroKernel.MR);
    assertEquals(expected == 32 ? 8 : 4, ConvMatmul.MR);
  }
}
