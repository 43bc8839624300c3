package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.tensor.Tensor;

/**
 * The sizes of one forward convolution, read from its tensors: input {@code [n, c, h, w]}, weight
 * {@code [o, cg, kh, kw]}, output {@code [n, o, oh, ow]}. The gradient and transposed kernels are
 * described by the geometry of the forward convolution they are the adjoint of.
 */
record ConvGeometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow,
    int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

  /** From the forward convolution's input, weight and output (or their gradients). */
  static ConvGeometry of(Tensor input, Tensor weight, Tensor output, Conv2dParams p) {
    return new ConvGeometry(input.dim(0), input.dim(1), input.dim(2), input.dim(3),
        weight.dim(0), weight.dim(2), weight.dim(3), output.dim(2), output.dim(3),
        p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), p.groups());
  }

  /** Input channels per group. */
  int cg() {
    return c / groups;
  }

  /** Output channels per group. */
  int og() {
    return o / groups;
  }

  /** Taps per output channel: the reduction length of the forward convolution. */
  int taps() {
    return cg() * kh * kw;
  }

  /** Multiply-adds of the forward convolution, counted in flops (2 per multiply-add). */
  double flops() {
    return 2.0 * n * o * oh * ow * taps();
  }
}
