package dev.harmonics.kernel.simd;

import dev.harmonics.tensor.Tensor;

/**
 * Whether a kernel may hand its tensors to the pool's worker threads. Memory of a confined arena
 * can only be touched by its owner thread, so kernels over such tensors run on the caller alone
 * rather than fail with a {@code WrongThreadException}.
 */
final class PointwiseThreads {

  /** Never started; stands for "some thread other than the caller". */
  private static final Thread OTHER = Thread.ofPlatform().unstarted(() -> { });

  private PointwiseThreads() {}

  static boolean shareable(Tensor a) {
    return a.storage().isAccessibleBy(OTHER);
  }

  static boolean shareable(Tensor a, Tensor b) {
    return shareable(a) && shareable(b);
  }

  static boolean shareable(Tensor a, Tensor b, Tensor c) {
    return shareable(a) && shareable(b) && shareable(c);
  }

  static boolean shareable(Tensor a, Tensor b, Tensor c, Tensor d) {
    return shareable(a, b) && shareable(c, d);
  }
}
