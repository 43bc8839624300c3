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
 * <p>Other axes go through {@link SoftmaxColumns}: the {@code inner} positions are cut into chunks
 * of up to {@link #CHUNK} columns and each {@code (outer, chunk)} pair is an independent unit of
 * parallel work.
 */
final class SimdSoftmax extends SoftmaxKernels {

  /** Columns per unit on a non-last axis: the per-column state stays in L1. */
  static final int CHUNK = 256;
  /** Below about this many elements a task costs more to hand off than it saves. */
  private static final int GRAIN = 1 << 14;

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
      KernelPool.shared().parallelFor(outer, Math.max(1, GRAIN / length), (from, to) -> {
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
      });
      return;
    }
    int chunks = (inner + CHUNK - 1) / CHUNK;
    long stride = 4L * inner;
    int grain = (int) Math.max(1, GRAIN / ((long) length * Math.min(inner, CHUNK)));
    KernelPool.shared().parallelFor(outer * chunks, grain, (from, to) -> {
      float[] m = new float[CHUNK];
      float[] s = new float[CHUNK];
      for (int u = from; u < to; u++) {
        int j0 = (u % chunks) * CHUNK;
        int w = Math.min(CHUNK, inner - j0);
        long base = 4L * ((long) (u / chunks) * length * inner + j0);
        SoftmaxColumns.max(xs, xo + base, stride, length, w, m);
        if (log) {
          SoftmaxColumns.expSum(xs, xo + base, stride, length, w, m, s);
          for (int j = 0; j < w; j++) {
            s[j] = (float) Math.log(s[j]);
          }
          SoftmaxColumns.shiftStore(xs, xo + base, ys, yo + base, stride, length, w, m, s);
        } else {
          SoftmaxColumns.expStore(xs, xo + base, ys, yo + base, stride, length, w, m, s);
          for (int j = 0; j < w; j++) {
            s[j] = 1f / s[j];
          }
          SoftmaxColumns.scale(ys, yo + base, stride, length, w, s);
        }
      }
    });
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
    int chunks = (inner + CHUNK - 1) / CHUNK;
    long stride = 4L * inner;
    int grain = (int) Math.max(1, GRAIN / ((long) length * Math.min(inner, CHUNK)));
    KernelPool.shared().parallelFor(outer * chunks, grain, (from, to) -> {
      float[] s = new float[CHUNK];
      for (int u = from; u < to; u++) {
        int j0 = (u % chunks) * CHUNK;
        int w = Math.min(CHUNK, inner - j0);
        long base = 4L * ((long) (u / chunks) * length * inner + j0);
        SoftmaxColumns.sum(dys, dyo + base, log ? null : ys, yo + base, stride, length, w, s);
        SoftmaxColumns.grad(ys, yo + base, dys, dyo + base, dxs, dxo + base, stride, length, w, s,
            log);
      }
    });
  }
}
