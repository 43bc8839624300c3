package dev.harmonics.kernel;

import dev.harmonics.tensor.Tensor;

/**
 * Argument checks about where tensors live: a kernel that writes memory it still has to read
 * produces garbage, so outputs must stay clear of inputs (or, for element-wise kernels, be exactly
 * the same elements, which is a safe in-place update).
 */
final class MemoryOverlap {

  private MemoryOverlap() {}

  /** Rejects tensors whose element ranges share any byte. */
  static void requireDisjoint(Tensor a, String aName, Tensor b, String bName) {
    if (a.overlaps(b)) {
      throw new IllegalArgumentException(bName + ": " + b.describe() + " (expected: memory apart "
          + "from " + aName + ": " + a.describe() + ", but they overlap)");
    }
  }

  /** Like {@link #requireDisjoint} but also accepts two contiguous tensors on the same bytes. */
  static void requireDisjointOrSame(Tensor a, String aName, Tensor b, String bName) {
    if (a.overlaps(b) && !a.sameElements(b)) {
      throw new IllegalArgumentException(bName + ": " + b.describe() + " (expected: memory apart "
          + "from " + aName + ": " + a.describe() + ", or exactly the same elements, but they "
          + "partly overlap)");
    }
  }
}
