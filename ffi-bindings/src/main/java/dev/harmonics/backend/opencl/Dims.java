package dev.harmonics.backend.opencl;

import dev.harmonics.tensor.Tensor;

/**
 * Shapes and strides as the {@code int8} vectors the kernels take (see {@code offset8} in
 * {@code common.cl}): padded to rank 8 with leading size-1 dimensions. Kernels on tensors of higher
 * rank are refused with a message saying so.
 */
final class Dims {

  static final int MAX_RANK = 8;

  private Dims() {}

  /** {@code shape} padded with leading 1s to rank 8. */
  static int[] shape(String name, Tensor t, int[] shape) {
    requireRank(name, t, shape.length);
    int[] out = new int[MAX_RANK];
    int pad = MAX_RANK - shape.length;
    for (int d = 0; d < MAX_RANK; d++) {
      out[d] = d < pad ? 1 : shape[d - pad];
    }
    return out;
  }

  /** Element strides padded with leading 0s to rank 8, as int (tensors have int sizes). */
  static int[] strides(long[] strides) {
    int[] out = new int[MAX_RANK];
    int pad = MAX_RANK - strides.length;
    for (int d = pad; d < MAX_RANK; d++) {
      out[d] = Math.toIntExact(strides[d - pad]);
    }
    return out;
  }

  /** Row-major element strides of {@code shape} padded to rank 8. */
  static int[] contiguousStrides(int[] shape8) {
    int[] out = new int[MAX_RANK];
    int s = 1;
    for (int d = MAX_RANK - 1; d >= 0; d--) {
      out[d] = s;
      s *= shape8[d];
    }
    return out;
  }

  static void requireRank(String name, Tensor t, int rank) {
    if (rank > MAX_RANK) {
      throw new UnsupportedOperationException(name + ": " + t.describe() + " has rank " + rank
          + " (the OpenCL kernels take tensors of rank <= " + MAX_RANK
          + "; reshape it, or use the simd backend)");
    }
  }
}
