package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.Broadcasting;
import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Vector API reductions: sum, mean and max through {@link SimdReducer}; their backward as
 * broadcasts through {@link RowExecutor} (sum and mean) or a search for the first maximum.
 */
final class SimdReduction extends ReductionKernels {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  @Override
  protected void sumKernel(Tensor x, boolean[] reduced, int divisor, Tensor out) {
    if (x.size() <= SimdReducer.GRAIN && sumTrailing(x, reduced, divisor, out)) {
      return;
    }
    int[] shape = x.shape();
    SimdReducer.run(SimdReducer.Kind.SUM, shape, x, null, null, out,
        outputStrides(shape, reduced), divisor);
  }

  /**
   * The small-input path of a sum over trailing axes (for example every axis): each output is the
   * sum of one contiguous run, computed exactly as {@link SimdReducer}'s single-threaded
   * horizontal path does, without building its plan and cursors. Returns false, having done
   * nothing, when a kept axis follows a reduced one or nothing is reduced.
   */
  private static boolean sumTrailing(Tensor x, boolean[] reduced, int divisor, Tensor out) {
    int rank = reduced.length;
    int firstReduced = 0;
    while (firstReduced < rank && !reduced[firstReduced]) {
      firstReduced++;
    }
    if (firstReduced == rank) {
      return false;
    }
    long outputs = 1;
    for (int d = 0; d < firstReduced; d++) {
      outputs *= x.dim(d);
    }
    int run = 1;
    for (int d = firstReduced; d < rank; d++) {
      if (!reduced[d]) {
        return false;
      }
      run *= x.dim(d);
    }
    MemorySegment xs = x.storage();
    MemorySegment os = out.storage();
    long xo = x.byteOffset();
    long oo = out.byteOffset();
    for (long o = 0; o < outputs; o++) {
      double sum = ReductionRows.sum(xs, xo + 4L * o * run, run);
      os.set(F, oo + 4L * o, (float) (sum / divisor));
    }
    return true;
  }

  @Override
  protected void maxKernel(Tensor x, boolean[] reduced, Tensor out) {
    int[] shape = x.shape();
    SimdReducer.run(SimdReducer.Kind.MAX, shape, x, null, null, out,
        outputStrides(shape, reduced), 1);
  }

  @Override
  protected void broadcastKernel(Tensor dy, boolean[] reduced, float scale, Tensor dx) {
    int[] shape = dx.shape();
    BroadcastPlan plan = BroadcastPlan.of(shape, Broadcasting.strides(shape, shape),
        outputStrides(shape, reduced));
    MemorySegment ds = dx.storage();
    MemorySegment gs = dy.storage();
    long dO = dx.byteOffset();
    long go = dy.byteOffset();
    int gStride = plan.innerStride(1);
    RowExecutor.run(plan, PointwiseThreads.shareable(dy, dx), (offsets, from, to) -> {
      long d = dO + 4L * (offsets[0] + from);
      long g = go + 4L * (offsets[1] + (long) from * gStride);
      if (gStride == 1) {
        ElementwiseRows.scalar(BinaryOp.MUL, gs, g, scale, ds, d, to - from);
      } else {
        ElementwiseRows.fill(ds, d, gs.get(F, g) * scale, to - from);
      }
    });
  }

  @Override
  protected void maxBackwardKernel(
      Tensor x, Tensor y, Tensor dy, boolean[] reduced, Tensor dx) {
    int[] shape = x.shape();
    long[] outStrides = outputStrides(shape, reduced);
    BroadcastPlan plan = BroadcastPlan.of(shape, outStrides, Broadcasting.strides(shape, shape));
    dx.data().fill((byte) 0);
    new MaxRouting(plan, x, y, dy, dx).run(PointwiseThreads.shareable(x, y, dy, dx));
  }
}
