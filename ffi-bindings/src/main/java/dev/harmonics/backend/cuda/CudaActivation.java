package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.ACTIVATION;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.tensor.Tensor;

/** Activation kernels on a CUDA device ({@code activation.cu}). */
final class CudaActivation extends ActivationKernels {

  private final CallFactory calls;

  CudaActivation(CallFactory calls) {
    this.calls = calls;
  }

  /** The kernel's code for {@code f} ({@code HxActivation} in harmonics_cuda.cuh). */
  static int code(Activation f) {
    return switch (f) {
      case IDENTITY -> 0;
      case RELU -> 1;
      case LEAKY_RELU -> 2;
      case PRELU -> 3;
      case ELU -> 4;
      case SELU -> 5;
      case GELU_ERF -> 6;
      case GELU_TANH -> 7;
      case SIGMOID -> 8;
      case TANH -> 9;
      case SOFTPLUS -> 10;
      case SOFTSIGN -> 11;
    };
  }

  @Override
  protected void forwardKernel(Activation f, float alpha, Tensor x, Tensor y) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.out(y);
      call.launch(ACTIVATION, "hx_act_forward", x.size(), code(f), alpha, xs, ys,
          (long) x.size());
    }
  }

  @Override
  protected void backwardKernel(
      Activation f, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long dys = call.in(dy);
      long dxs = call.out(dx);
      call.launch(ACTIVATION, "hx_act_backward", x.size(), code(f), alpha, xs, dys, dxs,
          (long) x.size());
    }
  }

  @Override
  protected void preluForwardKernel(
      Tensor x, Tensor slope, int outer, int channels, int inner, Tensor y) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long a = call.in(slope);
      long ys = call.out(y);
      call.launch(ACTIVATION, "hx_prelu_forward", x.size(), xs, a, ys, (long) outer, channels,
          (long) inner);
    }
  }

  @Override
  protected void preluBackwardKernel(Tensor x, Tensor slope, Tensor dy, int outer, int channels,
      int inner, Tensor dx, Tensor dslope) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long a = call.in(slope);
      long dys = call.in(dy);
      // The slope gradient reads x and dy, so it runs before dx (which may alias dy) is written.
      if (dslope != null) {
        call.launchBlocks(ACTIVATION, "hx_prelu_backward_slope", channels, xs, dys,
            call.out(dslope), (long) outer, channels, (long) inner);
      }
      if (dx != null) {
        call.launch(ACTIVATION, "hx_prelu_backward_input", x.size(), xs, a, dys, call.out(dx),
            (long) outer, channels, (long) inner);
      }
    }
  }
}
