package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies of short rows between tensors and scratch arrays. Image rows are tens of floats, where a
 * few vector moves beat a bulk copy call; the last vector overlaps the one before it rather than
 * taking a mask.
 */
final class PlaneRows {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  private PlaneRows() {}

  /** {@code dst[at .. at + n) = src[from .. from + n)}, {@code from} counted in floats. */
  static void load(MemorySegment src, long from, float[] dst, int at, int n) {
    if (n < L) {
      MemorySegment.copy(src, FLOAT, from * Float.BYTES, dst, at, n);
      return;
    }
    for (int j = 0; ; j += L) {
      int k = Math.min(j, n - L);
      FloatVector.fromMemorySegment(F, src, (from + k) * Float.BYTES, ORDER).intoArray(dst, at + k);
      if (k == n - L) {
        return;
      }
    }
  }

  /** {@code dst[to .. to + n) = src[at .. at + n)}, {@code to} counted in floats. */
  static void store(float[] src, int at, MemorySegment dst, long to, int n) {
    if (n < L) {
      MemorySegment.copy(src, at, dst, FLOAT, to * Float.BYTES, n);
      return;
    }
    for (int j = 0; ; j += L) {
      int k = Math.min(j, n - L);
      FloatVector.fromArray(F, src, at + k).intoMemorySegment(dst, (to + k) * Float.BYTES, ORDER);
      if (k == n - L) {
        return;
      }
    }
  }
}
