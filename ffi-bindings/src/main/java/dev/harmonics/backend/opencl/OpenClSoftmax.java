package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.tensor.Tensor;

/** Softmax on an OpenCL device: one work-item per line along the axis ({@code reduce.cl}). */
final class OpenClSoftmax extends SoftmaxKernels {

  private final OpenClDevice device;

  OpenClSoftmax(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void doSoftmax(Tensor x, Tensor y, int outer, int length, int inner, boolean log) {
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "softmax_forward"),
        new long[] {(long) outer * inner}, null, call.in(x), call.out(y), outer, length, inner,
        log ? 1 : 0));
  }

  @Override
  protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, int outer, int length,
      int inner, boolean log) {
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "softmax_backward"),
        new long[] {(long) outer * inner}, null, call.in(y), call.in(dy), call.out(dx), outer,
        length, inner, log ? 1 : 0));
  }
}
