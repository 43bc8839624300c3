package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Vector API layout kernels: strided copies through {@link StridedCopy}, padding through
 * {@link Padding}, and concat/split as bulk copies of the pieces each output row is made of.
 */
final class SimdLayout extends LayoutKernels {

  @Override
  protected void copyImpl(Tensor src, Tensor dst) {
    StridedCopy.copy(src, dst);
  }

  @Override
  protected void padImpl(Tensor x, int[] before, int[] after, PadMode mode, float value,
      Tensor y) {
    Padding.forward(x, before, after, mode, value, y);
  }

  @Override
  protected void padBackwardImpl(Tensor dy, int[] before, int[] after, PadMode mode, Tensor dx) {
    Padding.backward(dy, before, after, mode, dx);
  }

  @Override
  protected void concatImpl(List<Tensor> inputs, int axis, Tensor y) {
    movePieces(inputs, axis, y, true);
  }

  @Override
  protected void splitImpl(Tensor y, int axis, List<Tensor> outputs) {
    movePieces(outputs, axis, y, false);
  }

  /**
   * Viewed flat, {@code whole} is a sequence of rows (one per index of the dimensions before {@code
   * axis}), each the concatenation of one piece of every part. The flat range is split evenly over
   * threads regardless of where pieces start, so one huge part or many tiny ones balance alike.
   */
  private static void movePieces(List<Tensor> parts, int axis, Tensor whole, boolean intoWhole) {
    int count = parts.size();
    long[] piece = new long[count];
    long[] start = new long[count + 1];
    long[] partBase = new long[count];
    MemorySegment[] partMemory = new MemorySegment[count];
    long inner = 1;
    for (int d = axis + 1; d < whole.rank(); d++) {
      inner *= whole.dim(d);
    }
    for (int k = 0; k < count; k++) {
      Tensor t = parts.get(k);
      piece[k] = t.dim(axis) * inner;
      start[k + 1] = start[k] + piece[k];
      partBase[k] = t.offset();
      partMemory[k] = t.size() == 0 ? null : t.storage();
    }
    long row = start[count];
    int esize = whole.dtype().byteSize();
    MemorySegment wholeMemory = whole.storage();
    long wholeBase = whole.offset();
    KernelPool.shared().parallelFor(whole.size(), StridedCopy.PARALLEL_ELEMENTS, (lo, hi) -> {
      long p = lo;
      long r = p / row;
      long q = p % row;
      int k = 0;
      while (p < hi) {
        while (q >= start[k + 1]) {
          k++;
        }
        long within = q - start[k];
        long length = Math.min(piece[k] - within, hi - p);
        long partAt = (partBase[k] + r * piece[k] + within) * esize;
        long wholeAt = (wholeBase + p) * esize;
        if (intoWhole) {
          MemorySegment.copy(partMemory[k], partAt, wholeMemory, wholeAt, length * esize);
        } else {
          MemorySegment.copy(wholeMemory, wholeAt, partMemory[k], partAt, length * esize);
        }
        p += length;
        q += length;
        if (q == row) {
          q = 0;
          r++;
          k = 0;
        }
      }
    });
  }
}
