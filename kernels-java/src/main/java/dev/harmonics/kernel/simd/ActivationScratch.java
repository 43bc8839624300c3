package dev.harmonics.kernel.simd;

/**
 * The per-thread block of exponentials that the two-pass activations ({@link ActivationPasses})
 * hand from their first pass to their second. Allocating it per call cost a 64-element GELU 272
 * bytes and about 10 ns; a call uses one block at a time and never calls another activation
 * while holding it, so one block per thread serves every call on that thread.
 */
final class ActivationScratch {

  private static final ThreadLocal<float[]> BLOCK =
      ThreadLocal.withInitial(() -> new float[ActivationForwardLoops.BLOCK]);

  static {
    assert ActivationForwardLoops.BLOCK == ActivationBackwardLoops.BLOCK;
  }

  private ActivationScratch() {}

  /** This thread's block of {@link ActivationForwardLoops#BLOCK} floats, contents undefined. */
  static float[] block() {
    return BLOCK.get();
  }
}
