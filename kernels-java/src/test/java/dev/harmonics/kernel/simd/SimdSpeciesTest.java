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
}
