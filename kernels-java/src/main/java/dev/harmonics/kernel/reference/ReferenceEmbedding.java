package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Plain-Java embedding kernels. The backward pass groups positions by table row and sums each
 * row's gradients in double before adding them to {@code dtable} once, so it is a more accurate
 * oracle than a running float sum.
 */
final class ReferenceEmbedding extends EmbeddingKernels {

  @Override
  protected void lookupImpl(Tensor table, Tensor indices, Tensor out) {
    int width = table.dim(1);
    MemorySegment rows = table.data();
    MemorySegment idx = indices.data();
    MemorySegment dst = out.data();
    for (int p = 0, n = indices.size(); p < n; p++) {
      long row = (long) idx.getAtIndex(ValueLayout.JAVA_INT, p) * width;
      for (int d = 0; d < width; d++) {
        dst.setAtIndex(ValueLayout.JAVA_FLOAT, (long) p * width + d,
            rows.getAtIndex(ValueLayout.JAVA_FLOAT, row + d));
      }
    }
  }

  @Override
  protected void backwardImpl(Tensor indices, Tensor dout, Tensor dtable) {
    int width = dtable.dim(1);
    int n = indices.size();
    MemorySegment idx = indices.data();
    MemorySegment grad = dout.data();
    MemorySegment dst = dtable.data();
    long[] byRow = new long[n];
    for (int p = 0; p < n; p++) {
      byRow[p] = (long) idx.getAtIndex(ValueLayout.JAVA_INT, p) << 32 | p;
    }
    Arrays.sort(byRow);
    double[] sums = new double[width];
    for (int start = 0; start < n; ) {
      int row = (int) (byRow[start] >>> 32);
      Arrays.fill(sums, 0);
      int end = start;
      for (; end < n && (int) (byRow[end] >>> 32) == row; end++) {
        long p = byRow[end] & 0xFFFF_FFFFL;
        for (int d = 0; d < width; d++) {
          sums[d] += grad.getAtIndex(ValueLayout.JAVA_FLOAT, p * width + d);
        }
      }
      for (int d = 0; d < width; d++) {
        long at = (long) row * width + d;
        dst.setAtIndex(ValueLayout.JAVA_FLOAT, at,
            (float) (dst.getAtIndex(ValueLayout.JAVA_FLOAT, at) + sums[d]));
      }
      start = end;
    }
  }
}
