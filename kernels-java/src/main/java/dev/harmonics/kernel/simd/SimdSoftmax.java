package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Vector API softmax kernels.
 *
 * <p>Last axis (the hot path): rows are split between threads; each row takes three passes, all
 * from L1 or L2 for any realistic row: the maximum, {@code exp(x - max)} stored into {@code y}
 * while summing, then {@code y *= 1 / sum}. Storing the exponentials costs one more pass over
 * {@code y} but computes each exponential once, which is the expensive part. Log-softmax needs no
 * stored exponentials: maximum, sum of exponentials, then {@code y = (x - max) - log(sum)}.
 *
 * <p>Other axes go through {@link SoftmaxColumns}: each chunk of adjacent {@code inner} positions
 * of each outer slab is an independent unit of parallel work, reduced column-wise down the axis.
 */
final class SimdSoftmax extends SoftmaxKernels {

  /** Below about this many elements a task costs more to hand off than it saves. */
  private static final int GRAIN = 1 << 14;
  /**
   * The widest chunk of columns on a non-last axis: 4 KB per row. Wider chunks touch fewer pages
   * per pass down the axis; with 64-column chunks, softmax over the 1000-long axis of 1000 x 3136
   * planes took 2.7 ns per element, with 256 1.8 and with 1024 1.5 (one thread).
   */
  private static final int MAX_CHUNK = 1024;

  @Override
  protected void doSoftmax(Tensor x, Tensor y, int outer, int length, int inner, boolean log) {
    MemorySegment xs = x.storage();
    MemorySegment ys = y.storage();
    long xo = x.byteOffset();
    long yo = y.byteOffset();
    if (length == 0) {
      return;
    }
    if (inner == 1) {
      int grain = Math.max(1, GRAIN / length);
      if (KernelPool.shared().runsInline(outer, grain)) {
        lastAxisRows(xs, xo, ys, yo, length, log, 0, outer);
      } else {
        KernelPool.shared().parallelFor(outer, grain,
            (from, to) -> lastAxisRows(xs, xo, ys, yo, length, log, from, to));
      }
      return;
    }
    columnChunks(outer, length, inner, (base, w, m, t) -> {
      long stride = 4L * inner;
      SoftmaxColumns.max(xs, xo + base, stride, length, w, m);
      if (log) {
        SoftmaxColumns.expSum(xs, xo + base, null, 0, stride, length, w, m, t);
        for (int j = 0; j < w; j++) {
          t[j] = (float) Math.log(t[j]);
        }
        SoftmaxColumns.shiftStore(xs, xo + base, ys, yo + base, stride, length, w, m, t);
      } else {
        SoftmaxColumns.expSum(xs, xo + base, ys, yo + base, stride, length, w, m, t);
        for (int j = 0; j < w; j++) {
          t[j] = 1f / t[j];
        }
        SoftmaxColumns.scale(ys, yo + base, stride, length, w, t);
      }
    });
  }

  /** Softmax (or log-softmax) of rows [from, to) of {@code length} contiguous elements. */
  private static void lastAxisRows(MemorySegment xs, long xo, MemorySegment ys, long yo,
      int length, boolean log, int from, int to) {
    if (!log && length <= SoftmaxRows.BLOCK && length % SimdSpecies.LANES == 0) {
      pipelinedRows(xs, xo, ys, yo, length, from, to);
      return;
    }
    for (int r = from; r < to; r++) {
      long xr = xo + 4L * r * length;
      long yr = yo + 4L * r * length;
      float max = SoftmaxRows.max(xs, xr, length);
      if (log) {
        float logSum = (float) Math.log(SoftmaxRows.expSum(xs, xr, length, max));
        SoftmaxRows.shiftStore(xs, xr, ys, yr, length, max, logSum);
      } else {
        float sum = SoftmaxRows.expStore(xs, xr, ys, yr, length, max);
        SoftmaxRows.scale(ys, yr, length, 1f / sum);
      }
    }
  }

  /**
   * Softmax of rows [from, to) of at most {@link SoftmaxRows#BLOCK} elements, a whole number of
   * vectors ({@link SoftmaxRows#expStoreAndNextMax} says why), each row's maximum
   * taken during the previous row's exp pass: the maximum is the pass that reads a row from
   * memory, the exp pass the one that computes, and overlapping them keeps the loads in flight.
   */
  private static void pipelinedRows(MemorySegment xs, long xo, MemorySegment ys, long yo,
      int length, int from, int to) {
    if (from >= to) {
      return;
    }
    long rowBytes = 4L * length;
    float max = SoftmaxRows.max(xs, xo + from * rowBytes, length);
    for (int r = from; r < to; r++) {
      long xr = xo + r * rowBytes;
      long yr = yo + r * rowBytes;
      float sum;
      if (r + 1 < to) {
        long both = SoftmaxRows.expStoreAndNextMax(xs, xr, ys, yr, length, max);
        sum = SoftmaxRows.high(both);
        max = SoftmaxRows.low(both);
      } else {
        sum = SoftmaxRows.expStore(xs, xr, ys, yr, length, max);
      }
      SoftmaxRows.scale(ys, yr, length, 1f / sum);
    }
  }

  @Override
  protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, int outer, int length,
      int inner, boolean log) {
    MemorySegment ys = y.storage();
    MemorySegment dys = dy.storage();
    MemorySegment dxs = dx.storage();
    long yo = y.byteOffset();
    long dyo = dy.byteOffset();
    long dxo = dx.byteOffset();
    if (length == 0) {
      return;
    }
    if (inner == 1) {
      KernelPool.shared().parallelFor(outer, Math.max(1, GRAIN / length), (from, to) -> {
        for (int r = from; r < to; r++) {
          long off = 4L * r * length;
          if (log) {
            float sum = SoftmaxRows.sum(dys, dyo + off, length);
            SoftmaxRows.logSoftmaxGrad(ys, yo + off, dys, dyo + off, dxs, dxo + off, length, sum);
          } else {
            float dot = SoftmaxRows.dot(ys, yo + off, dys, dyo + off, length);
            SoftmaxRows.softmaxGrad(ys, yo + off, dys, dyo + off, dxs, dxo + off, length, dot);
          }
        }
      });
      return;
    }
    columnChunks(outer, length, inner, (base, w, s, unused) -> {
      long stride = 4L * inner;
      SoftmaxColumns.sum(dys, dyo + base, log ? null : ys, yo + base, stride, length, w, s);
      SoftmaxColumns.grad(ys, yo + base, dys, dyo + base, dxs, dxo + base, stride, length, w, s,
          log);
    });
  }

  /**
   * Columns {@code [j0, j0 + w)} of one outer slab: {@code base} is their byte offset in every
   * tensor; {@code a} and {@code b} are per-column scratch arrays of at least {@code w} floats.
   */
  @FunctionalInterface
  private interface ColumnChunk {
    void run(long base, int w, float[] a, float[] b);
  }

  /**
   * Runs {@code body} for every chunk of columns of every outer slab, in parallel. Chunks are up to
   * {@link #MAX_CHUNK} columns wide, narrower only when that is needed to give every thread work.
   */
  private static void columnChunks(int outer, int length, int inner, ColumnChunk body) {
    int lanes = SimdSpecies.LANES;
    int threads = KernelPool.shared().parallelism();
    int chunksPerSlab = Math.max(1, (threads + outer - 1) / Math.max(1, outer));
    int share = (inner + chunksPerSlab - 1) / chunksPerSlab;
    int chunk = Math.min(inner, Math.min(MAX_CHUNK, Math.max(lanes, roundUp(share, lanes))));
    int perSlab = (inner + chunk - 1) / chunk;
    int grain = (int) Math.max(1, GRAIN / ((long) length * chunk));
    KernelPool.shared().parallelFor(outer * perSlab, grain, (from, to) -> {
      float[] a = new float[chunk];
      float[] b = new float[chunk];
      for (int u = from; u < to; u++) {
        int j0 = (u % perSlab) * chunk;
        long base = 4L * ((long) (u / perSlab) * length * inner + j0);
        body.run(base, Math.min(chunk, inner - j0), a, b);
      }
    });
  }

  private static int roundUp(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }
}
