package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.tensor.Tensor;

/** Activations on an OpenCL device: one work-item per element ({@code pointwise.cl}). */
final class OpenClActivation extends ActivationKernels {

  private final OpenClDevice device;

  OpenClActivation(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void forwardKernel(Activation f, float alpha, Tensor x, Tensor y) {
    long n = x.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "activation_forward"),
        new long[] {n}, null, f.ordinal(), alpha, call.in(x), call.out(y), n));
  }

  @Override
  protected void backwardKernel(
      Activation f, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    long n = x.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "activation_backward"),
        new long[] {n}, null, f.ordinal(), alpha, call.in(x), call.in(dy), call.out(dx), n));
  }

  @Override
  protected void preluForwardKernel(
      Tensor x, Tensor slope, int outer, int channels, int inner, Tensor y) {
    long n = x.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "prelu_forward"),
        new long[] {n}, null, call.in(x), call.in(slope), channels, inner, call.out(y), n));
  }

  @Override
  protected void preluBackwardKernel(Tensor x, Tensor slope, Tensor dy, int outer,
      int channels, int inner, Tensor dx, Tensor dslope) {
    long n = x.size();
    device.execute(call -> {
      // The slope gradient reads dy, so it runs first in case dx is dy.
      if (dslope != null) {
        call.run(call.kernel(Program.POINTWISE, "prelu_backward_slope"), new long[] {channels},
            null, call.in(x), call.in(dy), outer, channels, inner, call.out(dslope));
      }
      if (dx != null) {
        call.run(call.kernel(Program.POINTWISE, "prelu_backward_input"), new long[] {n}, null,
            call.in(x), call.in(slope), call.in(dy), channels, inner, call.out(dx), n);
      }
    });
  }
}
