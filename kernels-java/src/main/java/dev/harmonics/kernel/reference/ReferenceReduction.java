package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** Plain-Java reductions: sums in double, each input element visited in row-major order. */
final class ReferenceReduction extends ReductionKernels {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  @Override
  protected void sumKernel(Tensor x, boolean[] reduced, int divisor, Tensor out) {
    int[] shape = x.shape();
    long[] os = outputStrides(shape, reduced);
    double[] sums = new double[out.size()];
    MemorySegment xm = x.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      sums[(int) BroadcastIndex.offset(i, shape, os)] += xm.getAtIndex(F, i);
    }
    MemorySegment om = out.data();
    for (int o = 0; o < sums.length; o++) {
      om.setAtIndex(F, o, (float) (sums[o] / divisor));
    }
  }

  @Override
  protected void maxKernel(Tensor x, boolean[] reduced, Tensor out) {
    int[] shape = x.shape();
    long[] os = outputStrides(shape, reduced);
    float[] max = new float[out.size()];
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    MemorySegment xm = x.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      int o = (int) BroadcastIndex.offset(i, shape, os);
      max[o] = Math.max(max[o], xm.getAtIndex(F, i));
    }
    out.copyFrom(max);
  }

  @Override
  protected void broadcastKernel(Tensor dy, boolean[] reduced, float scale, Tensor dx) {
    int[] shape = dx.shape();
    long[] os = outputStrides(shape, reduced);
    MemorySegment gm = dy.data();
    MemorySegment dm = dx.data();
    for (long i = 0, n = dx.size(); i < n; i++) {
      dm.setAtIndex(F, i, gm.getAtIndex(F, BroadcastIndex.offset(i, shape, os)) * scale);
    }
  }

  @Override
  protected void maxBackwardKernel(
      Tensor x, Tensor y, Tensor dy, boolean[] reduced, Tensor dx) {
    int[] shape = x.shape();
    long[] os = outputStrides(shape, reduced);
    boolean[] routed = new boolean[y.size()];
    MemorySegment xm = x.data();
    MemorySegment ym = y.data();
    MemorySegment gm = dy.data();
    MemorySegment dm = dx.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      int o = (int) BroadcastIndex.offset(i, shape, os);
      float v = xm.getAtIndex(F, i);
      float max = ym.getAtIndex(F, o);
      boolean hit = !routed[o] && (v == max || (Float.isNaN(v) && Float.isNaN(max)));
      dm.setAtIndex(F, i, hit ? gm.getAtIndex(F, o) : 0f);
      routed[o] |= hit;
    }
  }
}
