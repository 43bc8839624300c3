package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Convolution on the native CPU backend: a batch-1 1x1 convolution (stride 1, no padding, one
 * group) is one matrix product {@code W[o, c] · x[c, h*w]}, which runs on this backend's C GEMM;
 * every other convolution and every backward kernel runs on the Java backend.
 *
 * <p>Why: on one thread the C GEMM runs this 256 x 3136 x 64 product of a ResNet 1x1 layer at
 * about OpenBLAS's speed, the SIMD GEMM at 0.89-0.98 of it. The bias goes to the C GEMM as one
 * value per row of the output ({@code hn_sgemm_row_bias}), which adds it as it stores the first
 * K block's tiles: the output is written once and never read.
 */
final class NativeConv extends ConvKernels {

  private final NativeGemm gemm;
  private final ConvKernels java;

  NativeConv(NativeGemm gemm, ConvKernels java) {
    this.gemm = gemm;
    this.java = java;
  }

  /** Whether {@code y = conv(x, w)} is one product: batch 1, a 1x1 kernel, stride 1, no padding. */
  static boolean onePointwiseProduct(Tensor x, Tensor w, Conv2dParams params) {
    return x.dim(0) == 1 && w.dim(2) == 1 && w.dim(3) == 1 && params.strideH() == 1
        && params.strideW() == 1 && params.padH() == 0 && params.padW() == 0
        && params.groups() == 1;
  }

  @Override
  protected void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams params, Tensor y) {
    if (!onePointwiseProduct(x, w, params)) {
      forwardUnchecked(java, x, w, bias, params, y);
      return;
    }
    int outChannels = w.dim(0);
    int inChannels = w.dim(1);
    int plane = x.dim(2) * x.dim(3);
    gemm.multiplyRowBias(outChannels, plane, inChannels, w.data(), x.data(),
        bias == null ? MemorySegment.NULL : bias.data(), y.data());
  }

  @Override
  protected void backwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx) {
    backwardInputUnchecked(java, dy, w, params, dx);
  }

  @Override
  protected void backwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw) {
    backwardWeightUnchecked(java, x, dy, params, dw);
  }

  @Override
  protected void biasGradient(Tensor dy, Tensor dbias) {
    biasGradientUnchecked(java, dy, dbias);
  }

  @Override
  protected void transposeForward(Tensor x, Tensor w, Tensor bias, Conv2dParams params,
      Tensor y) {
    transposeForwardUnchecked(java, x, w, bias, params, y);
  }

  @Override
  protected void transposeBackwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx) {
    transposeBackwardInputUnchecked(java, dy, w, params, dx);
  }

  @Override
  protected void transposeBackwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw) {
    transposeBackwardWeightUnchecked(java, x, dy, params, dw);
  }
}
