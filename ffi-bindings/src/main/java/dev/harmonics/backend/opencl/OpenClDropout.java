package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Dropout on an OpenCL device: each work-item computes its element's Philox-4x32-10 bits, so the
 * mask is bit-identical to every other backend's for the same (seed, offset).
 */
final class OpenClDropout extends DropoutKernels {

  private final OpenClDevice device;

  OpenClDropout(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void forwardImpl(Tensor x, float p, long seed, long offset, Tensor y, Tensor mask) {
    long n = x.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "dropout_forward"),
        new long[] {n}, null, call.in(x), dropThreshold(p), keepScale(p), seed, offset,
        call.out(y), mask != null ? 1 : 0, mask != null ? call.out(mask) : call.scratch(4), n));
  }

  @Override
  protected void backwardImpl(Tensor dy, Tensor mask, float p, Tensor dx) {
    long n = dy.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "dropout_backward"),
        new long[] {n}, null, call.in(dy), call.in(mask), keepScale(p), call.out(dx), n));
  }
}
