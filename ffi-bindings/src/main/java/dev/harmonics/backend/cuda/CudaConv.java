package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.CONV;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Convolutions on a CUDA device ({@code conv.cu}): direct gathers, one thread per output element,
 * accumulated in double. Simple and deterministic rather than fast; an implicit-GEMM or cuDNN path
 * would be the next step for large layers.
 */
final class CudaConv extends ConvKernels {

  private final CallFactory calls;

  CudaConv(CallFactory calls) {
    this.calls = calls;
  }

  private static MemorySegment shape(Tensor input, Tensor output, Tensor w, Conv2dParams p) {
    return KernelStructs.conv(input.shape(), output.shape(), w.dim(2), w.dim(3), p);
  }

  @Override
  protected void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams params, Tensor y) {
    launchForward("hx_conv_forward", x, w, bias, params, y);
  }

  @Override
  protected void backwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx) {
    launchInputGradient("hx_conv_backward_input", dy, w, params, dx);
  }

  @Override
  protected void backwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw) {
    launchWeightGradient("hx_conv_backward_weight", x, dy, params, dw);
  }

  @Override
  protected void biasGradient(Tensor dy, Tensor dbias) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long dbs = call.out(dbias);
      call.launchBlocks(CONV, "hx_conv_bias_grad", dy.dim(1), dys, dbs, dy.dim(0), dy.dim(1),
          (long) dy.dim(2) * dy.dim(3));
    }
  }

  @Override
  protected void transposeForward(Tensor x, Tensor w, Tensor bias, Conv2dParams params,
      Tensor y) {
    launchForward("hx_conv_transpose_forward", x, w, bias, params, y);
  }

  @Override
  protected void transposeBackwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx) {
    launchInputGradient("hx_conv_transpose_backward_input", dy, w, params, dx);
  }

  @Override
  protected void transposeBackwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw) {
    launchWeightGradient("hx_conv_transpose_backward_weight", x, dy, params, dw);
  }

  /** One thread per element of {@code y}, for the plain and the transposed forward pass. */
  private void launchForward(String kernel, Tensor x, Tensor w, Tensor bias, Conv2dParams params,
      Tensor y) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ws = call.in(w);
      long bs = call.inOrNull(bias);
      long ys = call.out(y);
      call.launch(CONV, kernel, y.size(), xs, ws, bs, ys, shape(x, y, w, params));
    }
  }

  /** One thread per element of {@code dx}, for the plain and the transposed input gradient. */
  private void launchInputGradient(String kernel, Tensor dy, Tensor w, Conv2dParams params,
      Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long ws = call.in(w);
      long dxs = call.out(dx);
      call.launch(CONV, kernel, dx.size(), dys, ws, dxs, shape(dx, dy, w, params));
    }
  }

  /** One thread per element of {@code dw}, for the plain and the transposed weight gradient. */
  private void launchWeightGradient(String kernel, Tensor x, Tensor dy, Conv2dParams params,
      Tensor dw) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long dys = call.in(dy);
      long dws = call.out(dw);
      call.launch(CONV, kernel, dw.size(), xs, dys, dws, shape(x, dy, dw, params));
    }
  }
}
