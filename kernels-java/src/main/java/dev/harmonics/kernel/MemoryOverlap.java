package dev.harmonics.kernel;

import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Argument checks about where tensors live: a kernel that writes memory it still has to read
 * produces garbage, so outputs must stay clear of inputs (or, for element-wise kernels, be exactly
 * the same elements, which is a safe in-place update).
 */
final class MemoryOverlap {

  private MemoryOverlap() {}

  /** Rejects tensors whose element ranges share any byte. */
  static void requireDisjoint(Tensor a, String aName, Tensor b, String bName) {
    MemorySegment spanA = span(a);
    MemorySegment spanB = span(b);
    if (spanA != null && spanB != null && spanA.asOverlappingSlice(spanB).isPresent()) {
      throw new IllegalArgumentException(bName + ": " + b.describe() + " (expected: memory apart "
          + "from " + aName + ": " + a.describe() + ", but they overlap)");
    }
  }

  /** Like {@link #requireDisjoint} but also accepts two contiguous tensors on the same bytes. */
  static void requireDisjointOrSame(Tensor a, String aName, Tensor b, String bName) {
    MemorySegment spanA = span(a);
    MemorySegment spanB = span(b);
    if (spanA == null || spanB == null) {
      return;
    }
    var overlap = spanA.asOverlappingSlice(spanB);
    if (overlap.isEmpty()) {
      return;
    }
    boolean same = a.isContiguous() && b.isContiguous() && spanA.byteSize() == spanB.byteSize()
        && overlap.get().byteSize() == spanA.byteSize();
    if (!same) {
      throw new IllegalArgumentException(bName + ": " + b.describe() + " (expected: memory apart "
          + "from " + aName + ": " + a.describe() + ", or exactly the same elements, but they "
          + "partly overlap)");
    }
  }

  /** The bytes between the first and the last element of {@code t}, or null when it is empty. */
  private static MemorySegment span(Tensor t) {
    if (t.size() == 0) {
      return null;
    }
    long first = t.offset();
    long last = t.offset();
    int[] shape = t.shape();
    long[] strides = t.strides();
    for (int d = 0; d < shape.length; d++) {
      long reach = (shape[d] - 1) * strides[d];
      if (reach >= 0) {
        last += reach;
      } else {
        first += reach;
      }
    }
    long esize = t.dtype().byteSize();
    return t.storage().asSlice(first * esize, (last - first + 1) * esize);
  }
}
