package dev.harmonics.runtime;

import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Finds NaN and infinity in float32 tensors, for the runtime's divergence reports. */
final class NonFinite {

  private NonFinite() {}

  /** The row-major index of the first NaN or infinite element, or -1. */
  static long firstIndex(Tensor t) {
    if (t.isContiguous()) {
      MemorySegment data = t.data();
      for (long i = 0, n = t.size(); i < n; i++) {
        if (!Float.isFinite(data.getAtIndex(ValueLayout.JAVA_FLOAT, i))) {
          return i;
        }
      }
      return -1;
    }
    for (long i = 0, n = t.size(); i < n; i++) {
      if (!Float.isFinite(t.getFlat(i))) {
        return i;
      }
    }
    return -1;
  }

  /** "NaN at element 12" style description of the first bad element, or null. */
  static String describe(Tensor t) {
    long i = firstIndex(t);
    return i < 0 ? null : t.getFlat(i) + " at element " + i + " of " + t.describe();
  }
}
