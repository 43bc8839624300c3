package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.SOFTMAX;

import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.tensor.Tensor;

/** Softmax and log-softmax on a CUDA device ({@code softmax.cu}): one block per line. */
final class CudaSoftmax extends SoftmaxKernels {

  private final CallFactory calls;

  CudaSoftmax(CallFactory calls) {
    this.calls = calls;
  }

  private static int blocks(long lines) {
    return (int) Math.min(lines, CudaDevice.MAX_BLOCKS);
  }

  @Override
  protected void doSoftmax(Tensor x, Tensor y, int outer, int length, int inner, boolean log) {
    long lines = (long) outer * inner;
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.out(y);
      call.launchBlocks(SOFTMAX, "hx_softmax", blocks(lines), xs, ys, lines, length,
          (long) inner, log ? 1 : 0);
    }
  }

  @Override
  protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, int outer, int length,
      int inner, boolean log) {
    long lines = (long) outer * inner;
    try (DeviceCall call = calls.open()) {
      long ys = call.in(y);
      long dys = call.in(dy);
      long dxs = call.out(dx);
      call.launchBlocks(SOFTMAX, "hx_softmax_backward", blocks(lines), ys, dys, dxs, lines,
          length, (long) inner, log ? 1 : 0);
    }
  }
}
