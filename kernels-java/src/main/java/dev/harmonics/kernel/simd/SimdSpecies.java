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
 *
 * <p>Register-tiled kernels also need the number of vector registers the JIT can allocate, which
 * the Vector API does not tell: 32 on AArch64 and on x86 with AVX-512 (C2 uses the upper sixteen
 * only when it uses AVX-512 at all, which is when its preferred vectors are 512 bits wide), 16 on
 * other x86 machines. {@code harmonics.simd.registers} (16 or 32) overrides it, so tests run both
 * tilings on one machine.
 */
final class SimdSpecies {

  static final VectorSpecies<Float> FLOAT = selectFloatSpecies();
  static final int LANES = FLOAT.length();
  /** Vector registers a register tile may plan for: 16 or 32. */
  static final int VECTOR_REGISTERS = selectRegisterCount();

  private SimdSpecies() {}

  static String describe() {
    return FLOAT.vectorBitSize() + "-bit vectors, " + LANES + " float lanes, "
        + VECTOR_REGISTERS + " vector registers";
  }

  private static int selectRegisterCount() {
    String forced = System.getProperty("harmonics.simd.registers");
    if (forced != null && !forced.isBlank()) {
      int registers = Integer.parseInt(forced.trim());
      if (registers != 16 && registers != 32) {
        throw new IllegalArgumentException(
            "harmonics.simd.registers=" + forced + " (expected: 16 or 32)");
      }
      return registers;
    }
    boolean aarch64 = "aarch64".equals(System.getProperty("os.arch"));
    return aarch64 || FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? 32 : 16;
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
