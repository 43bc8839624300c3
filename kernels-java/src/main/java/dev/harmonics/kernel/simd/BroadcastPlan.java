package dev.harmonics.kernel.simd;

import java.util.Arrays;

/**
 * A row-major iteration over a shape with several operands, each with its own element strides
 * (0 along dimensions where it is broadcast, or reduced), simplified to as few dimensions as
 * possible: size-1 dimensions are dropped and neighbours merged wherever every operand steps
 * through them as through one dimension. Same-shape operands become one long row; a bias over
 * [N, C] stays two dimensions; NCHW with a per-channel operand becomes [N, C, H*W].
 *
 * <p>The last dimension is the inner row, along which every operand's stride is 0 or 1 (as all
 * operands are contiguous row-major tensors seen through broadcasting); kernels run vector loops
 * along it and walk the outer dimensions with a {@link Cursor}.
 */
final class BroadcastPlan {

  /** Sizes of the simplified dimensions, outermost first; never empty. */
  final int[] sizes;
  /** {@code strides[operand][dimension]}, in elements. */
  final long[][] strides;

  private BroadcastPlan(int[] sizes, long[][] strides) {
    this.sizes = sizes;
    this.strides = strides;
  }

  /** The plan for iterating {@code shape} with operands of the given strides (one per axis). */
  static BroadcastPlan of(int[] shape, long[]... operandStrides) {
    int ops = operandStrides.length;
    int[] sizes = new int[shape.length];
    long[][] strides = new long[ops][shape.length];
    int rank = 0;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] == 1) {
        continue;
      }
      if (rank > 0 && mergesWithInner(operandStrides, d, strides, rank - 1, sizes[rank - 1])) {
        sizes[rank - 1] *= shape[d];
        continue;
      }
      sizes[rank] = shape[d];
      for (int k = 0; k < ops; k++) {
        strides[k][rank] = operandStrides[k][d];
      }
      rank++;
    }
    if (rank == 0) {
      return new BroadcastPlan(new int[] {1}, new long[ops][1]);
    }
    // Built innermost first; reverse to outermost first.
    int[] outSizes = new int[rank];
    long[][] outStrides = new long[ops][rank];
    for (int i = 0; i < rank; i++) {
      outSizes[i] = sizes[rank - 1 - i];
      for (int k = 0; k < ops; k++) {
        outStrides[k][i] = strides[k][rank - 1 - i];
      }
    }
    return new BroadcastPlan(outSizes, outStrides);
  }

  private static boolean mergesWithInner(long[][] operandStrides, int d, long[][] strides,
      int inner, int innerSize) {
    for (int k = 0; k < operandStrides.length; k++) {
      if (operandStrides[k][d] != strides[k][inner] * innerSize) {
        return false;
      }
    }
    return true;
  }

  int rank() {
    return sizes.length;
  }

  /** Length of the inner row. */
  int inner() {
    return sizes[sizes.length - 1];
  }

  /** Stride of {@code operand} along the inner row: 0 (broadcast) or 1. */
  int innerStride(int operand) {
    return (int) strides[operand][sizes.length - 1];
  }

  /** Number of inner rows: the product of the outer sizes. */
  long rows() {
    long rows = 1;
    for (int d = 0; d < sizes.length - 1; d++) {
      rows *= sizes[d];
    }
    return rows;
  }

  /**
   * The outer dimensions, in order, along which {@code operand}'s stride is nonzero (when
   * {@code kept}) or zero (otherwise): for a reduction target, the kept or the reduced ones.
   */
  int[] outerDims(int operand, boolean kept) {
    int outer = rank() - 1;
    int[] dims = new int[outer];
    int n = 0;
    for (int d = 0; d < outer; d++) {
      if ((strides[operand][d] != 0) == kept) {
        dims[n++] = d;
      }
    }
    return Arrays.copyOf(dims, n);
  }

  /** The product of the sizes of {@code dims}. */
  long count(int[] dims) {
    long count = 1;
    for (int d : dims) {
      count *= sizes[d];
    }
    return count;
  }

  /**
   * Walks a subset of the outer dimensions in row-major order, keeping every operand's element
   * offset up to date.
   */
  static final class Cursor {
    private final int[] dims;
    private final int[] sizes;
    private final long[][] strides;
    private final int[] index;
    final long[] offsets;

    /** A cursor over the outer dimensions {@code dims} (outermost first) of {@code plan}. */
    Cursor(BroadcastPlan plan, int[] dims) {
      this.dims = dims;
      this.sizes = plan.sizes;
      this.strides = plan.strides;
      this.index = new int[dims.length];
      this.offsets = new long[plan.strides.length];
    }

    /** A cursor over every outer dimension of {@code plan}. */
    static Cursor outer(BroadcastPlan plan) {
      int[] dims = new int[plan.rank() - 1];
      Arrays.setAll(dims, d -> d);
      return new Cursor(plan, dims);
    }

    /** Positions the cursor at row-major position {@code position} of its dimensions. */
    void seek(long position) {
      Arrays.fill(offsets, 0);
      long rest = position;
      for (int i = dims.length - 1; i >= 0; i--) {
        int size = sizes[dims[i]];
        index[i] = (int) (rest % size);
        rest /= size;
        for (int k = 0; k < offsets.length; k++) {
          offsets[k] += index[i] * strides[k][dims[i]];
        }
      }
    }

    /** Steps to the next position (wrapping to the first after the last). */
    void next() {
      for (int i = dims.length - 1; i >= 0; i--) {
        int d = dims[i];
        for (int k = 0; k < offsets.length; k++) {
          offsets[k] += strides[k][d];
        }
        if (++index[i] < sizes[d]) {
          return;
        }
        index[i] = 0;
        for (int k = 0; k < offsets.length; k++) {
          offsets[k] -= strides[k][d] * sizes[d];
        }
      }
    }
  }
}
