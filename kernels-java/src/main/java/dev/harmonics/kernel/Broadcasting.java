package dev.harmonics.kernel;

import java.util.Arrays;

/**
 * NumPy broadcasting rules, for callers sizing the outputs of {@link ElementwiseKernels} and for
 * backends iterating over broadcast operands. Shapes are aligned from the right; each pair of sizes
 * must be equal or one of them 1, and the result takes the larger. A missing leading dimension acts
 * as 1.
 */
public final class Broadcasting {

  private Broadcasting() {}

  /**
   * The broadcast shape of {@code a} and {@code b}.
   *
   * @throws IllegalArgumentException naming both shapes and the first dimension that disagrees
   */
  public static int[] shape(int[] a, int[] b) {
    String mismatch = mismatch(a, b);
    if (mismatch != null) {
      throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and "
          + Arrays.toString(b) + " do not broadcast: " + mismatch);
    }
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int d = 0; d < rank; d++) {
      int sa = sizeAligned(a, d, rank);
      out[d] = sa == 1 ? sizeAligned(b, d, rank) : sa;
    }
    return out;
  }

  /** Why {@code a} and {@code b} do not broadcast, or null when they do. */
  static String mismatch(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    for (int d = 0; d < rank; d++) {
      int sa = sizeAligned(a, d, rank);
      int sb = sizeAligned(b, d, rank);
      if (sa != sb && sa != 1 && sb != 1) {
        return "dimension " + (d - rank) + " is " + sa + " vs " + sb
            + " (expected: equal sizes, or one of them 1)";
      }
    }
    return null;
  }

  /** Whether a contiguous operand of {@code shape} broadcasts to exactly {@code target}. */
  public static boolean broadcastsTo(int[] shape, int[] target) {
    if (shape.length > target.length) {
      return false;
    }
    for (int d = 0; d < target.length; d++) {
      int s = sizeAligned(shape, d, target.length);
      if (s != target[d] && s != 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * Element strides of a contiguous row-major operand of {@code shape} seen as an array of
   * {@code target}'s shape: one entry per target dimension, 0 where the operand is broadcast (its
   * size is 1 or the dimension is missing). Requires {@link #broadcastsTo}.
   */
  public static long[] strides(int[] shape, int[] target) {
    long[] strides = new long[target.length];
    long stride = 1;
    for (int d = target.length - 1; d >= 0; d--) {
      int s = sizeAligned(shape, d, target.length);
      strides[d] = s == 1 ? 0 : stride;
      stride *= s;
    }
    return strides;
  }

  private static int sizeAligned(int[] shape, int d, int rank) {
    int i = d - (rank - shape.length);
    return i < 0 ? 1 : shape[i];
  }
}
