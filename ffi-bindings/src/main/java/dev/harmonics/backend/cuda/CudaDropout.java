package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.DROPOUT;

import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.tensor.Tensor;

/** Dropout on a CUDA device ({@code dropout.cu}), with kernels-java's Philox mask bit for bit. */
final class CudaDropout extends DropoutKernels {

  private final CallFactory calls;

  CudaDropout(CallFactory calls) {
    this.calls = calls;
  }

  @Override
  protected void forwardImpl(Tensor x, float p, long seed, long offset, Tensor y, Tensor mask) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.out(y);
      long ms = call.outOrNull(mask);
      call.launch(DROPOUT, "hx_dropout_forward", x.size(), xs, ys, ms, (long) x.size(), seed,
          offset, dropThreshold(p), keepScale(p));
    }
  }

  @Override
  protected void backwardImpl(Tensor dy, Tensor mask, float p, Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long ms = call.in(mask);
      long dxs = call.out(dx);
      call.launch(DROPOUT, "hx_dropout_backward", dy.size(), dys, ms, dxs, (long) dy.size(),
          keepScale(p));
    }
  }
}
