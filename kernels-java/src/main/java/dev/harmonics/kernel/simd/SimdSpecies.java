package dev.harmonics.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every SIMD kernel uses, fixed once per JVM. Kept in its own class so that no
 * other static initialiser touches the Vector API before {@code KernelProviders} has checked it.
 *
 * <p>The width is the machine's preferred one unless the {@code harmonics.simd.bits} property
 * (128, 256 or 512) asks for a narrower one, so tests cover every code path on one machine.
 */
final class SimdSpecies {

  static final VectorSpecies<Float> FLOAT = selectFloatSpecies();
  static final int LANES = FLOAT.length();

  private SimdSpecies() {}

  static String describe() {
    return FLOAT.vectorBitSize() + "-bit vectors, " + LANES + " float lanes";
  }

  private static VectorSpecies<Float> selectFloatSpecies() {
    int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    String forced = System.getProperty("harmonics.simd.bits");
    int bits = preferred;
    if (forced != null && !forced.isBlank()) {
      bits = Integer.parseInt(forced.trim());
      if (bits != 128 && bits != 256 && bits != 512) {
        throw new IllegalArgumentException(
            "harmonics.simd.bits=" + forced + " (expected: 128, 256 or 512)");
      }
      if (bits > preferred) {
        throw new UnsupportedOperationException("harmonics.simd.bits=" + bits
            + " is wider than this CPU's " + preferred + "-bit vectors");
      }
    }
    if (bits < 128) {
      throw new UnsupportedOperationException("the preferred vector is only " + bits
          + " bits wide; the SIMD kernels need at least 128");
    }
    return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
  }
}
