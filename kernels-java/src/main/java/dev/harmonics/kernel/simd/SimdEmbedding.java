package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API embedding kernels.
 *
 * <p>The lookup copies rows with bulk copies, split over positions (measured faster than a vector
 * loop for 64-float rows and equal for wider ones). The backward pass
 * must never let two threads add into one table row at once, and must add each row's gradients in
 * position order so the result does not depend on the thread count. Wide rows are therefore split
 * by column blocks (every thread walks all positions over its own columns); narrow rows by ranges
 * of table rows (every thread walks all positions and keeps those whose index it owns). Either way
 * each element sees the same additions in the same order as a single thread would do.
 */
final class SimdEmbedding extends EmbeddingKernels {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  /** Work (elements moved) below which a call stays on the calling thread. */
  private static final long PARALLEL_ELEMENTS = 1 << 16;
  /** Columns per block in the column split: 256 bytes, four cache lines. */
  private static final int COLUMN_BLOCK = 64;
  /** Rows at least this wide are split by columns; narrower ones by table rows. */
  private static final int COLUMN_SPLIT_WIDTH = 4 * COLUMN_BLOCK;

  @Override
  protected void lookupImpl(Tensor table, Tensor indices, Tensor out) {
    int width = table.dim(1);
    MemorySegment rows = table.storage();
    MemorySegment idx = indices.storage();
    MemorySegment dst = out.storage();
    long tableBase = table.offset();
    long idxBase = indices.offset();
    long outBase = out.offset();
    int grain = (int) Math.max(1, PARALLEL_ELEMENTS / width);
    KernelPool.shared().parallelFor(indices.size(), grain, (lo, hi) -> {
      for (int p = lo; p < hi; p++) {
        long row = tableBase + (long) idx.getAtIndex(ValueLayout.JAVA_INT, idxBase + p) * width;
        MemorySegment.copy(rows, row * 4, dst, (outBase + (long) p * width) * 4, width * 4L);
      }
    });
  }

  @Override
  protected void backwardImpl(Tensor indices, Tensor dout, Tensor dtable) {
    int width = dtable.dim(1);
    int rows = dtable.dim(0);
    int n = indices.size();
    MemorySegment idx = indices.storage();
    MemorySegment grad = dout.storage();
    MemorySegment dst = dtable.storage();
    long idxBase = indices.offset();
    long gradBase = dout.offset();
    long dstBase = dtable.offset();
    boolean small = (long) n * width < PARALLEL_ELEMENTS;
    if (width >= COLUMN_SPLIT_WIDTH) {
      int blocks = (width + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
      KernelPool.shared().parallelFor(blocks, small ? blocks : 1, (lo, hi) -> {
        int from = lo * COLUMN_BLOCK;
        int length = Math.min(width, hi * COLUMN_BLOCK) - from;
        for (int p = 0; p < n; p++) {
          long row = idx.getAtIndex(ValueLayout.JAVA_INT, idxBase + p);
          addRow(grad, gradBase + (long) p * width + from, dst, dstBase + row * width + from,
              length);
        }
      });
    } else {
      KernelPool.shared().parallelFor(rows, small ? rows : 1, (lo, hi) -> {
        for (int p = 0; p < n; p++) {
          int row = idx.getAtIndex(ValueLayout.JAVA_INT, idxBase + p);
          if (row >= lo && row < hi) {
            addRow(grad, gradBase + (long) p * width, dst, dstBase + (long) row * width, width);
          }
        }
      });
    }
  }

  /** {@code dst[to + d] += src[from + d]} for {@code length} floats; offsets count elements. */
  private static void addRow(MemorySegment src, long from, MemorySegment dst, long to,
      int length) {
    int bound = F.loopBound(length);
    int d = 0;
    for (; d < bound; d += F.length()) {
      long at = (to + d) * 4;
      FloatVector.fromMemorySegment(F, dst, at, NATIVE)
          .add(FloatVector.fromMemorySegment(F, src, (from + d) * 4, NATIVE))
          .intoMemorySegment(dst, at, NATIVE);
    }
    for (; d < length; d++) {
      dst.setAtIndex(ValueLayout.JAVA_FLOAT, to + d,
          dst.getAtIndex(ValueLayout.JAVA_FLOAT, to + d)
              + src.getAtIndex(ValueLayout.JAVA_FLOAT, from + d));
    }
  }
}
