package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Sum, mean and max over axes on an OpenCL device: one work-item per output element visits its
 * slice in row-major order ({@code reduce.cl}), so sums come out in the reference's order.
 */
final class OpenClReduction extends ReductionKernels {

  private final OpenClDevice device;

  OpenClReduction(OpenClDevice device) {
    this.device = device;
  }

  /** x's shape padded to 8, the kept shape (1 on reduced axes), and the slice length. */
  private record Plan(int[] shape, int[] outShape, long reducedCount) {
    static Plan of(Tensor x, boolean[] reduced) {
      int[] shape = Dims.shape("x", x, x.shape());
      boolean[] padded = new boolean[Dims.MAX_RANK];
      System.arraycopy(reduced, 0, padded, Dims.MAX_RANK - reduced.length, reduced.length);
      int[] outShape = new int[Dims.MAX_RANK];
      long count = 1;
      for (int d = 0; d < Dims.MAX_RANK; d++) {
        outShape[d] = padded[d] ? 1 : shape[d];
        count *= padded[d] ? shape[d] : 1;
      }
      return new Plan(shape, outShape, count);
    }

    long outputs() {
      long n = 1;
      for (int d : outShape) {
        n *= d;
      }
      return n;
    }
  }

  @Override
  protected void sumKernel(Tensor x, boolean[] reduced, int divisor, Tensor out) {
    Plan plan = Plan.of(x, reduced);
    long n = plan.outputs();
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "reduce_sum"), new long[] {n},
        null, call.in(x), plan.shape(), plan.outShape(), plan.reducedCount(), divisor,
        call.out(out), n));
  }

  @Override
  protected void maxKernel(Tensor x, boolean[] reduced, Tensor out) {
    Plan plan = Plan.of(x, reduced);
    long n = plan.outputs();
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "reduce_max"), new long[] {n},
        null, call.in(x), plan.shape(), plan.outShape(), plan.reducedCount(), call.out(out), n));
  }

  @Override
  protected void broadcastKernel(Tensor dy, boolean[] reduced, float scale, Tensor dx) {
    int[] shape = Dims.shape("dx", dx, dx.shape());
    int[] strides = Dims.strides(outputStrides(dx.shape(), reduced));
    long n = dx.size();
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "reduce_broadcast"),
        new long[] {n}, null, call.in(dy), shape, strides, scale, call.out(dx), n));
  }

  @Override
  protected void maxBackwardKernel(
      Tensor x, Tensor y, Tensor dy, boolean[] reduced, Tensor dx) {
    Plan plan = Plan.of(x, reduced);
    long n = plan.outputs();
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "reduce_max_backward"),
        new long[] {n}, null, call.in(x), call.in(y), call.in(dy), plan.shape(),
        plan.outShape(), plan.reducedCount(), call.out(dx), n));
  }
}
