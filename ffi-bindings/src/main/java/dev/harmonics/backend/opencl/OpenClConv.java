package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Direct convolutions on an OpenCL device ({@code spatial.cl}): one work-item per output, input
 * or weight gradient element gathers its defining sum, so no kernel needs atomics and every sum
 * has a fixed order. Simple rather than fast: no im2col or tiling yet.
 */
final class OpenClConv extends ConvKernels {

  private final OpenClDevice device;

  OpenClConv(OpenClDevice device) {
    this.device = device;
  }

  /**
   * The int16 geometry of spatial.cl from the input {@code [N, C, H, W]}, the output {@code [N, O,
   * OH, OW]} and the kernel size.
   */
  private static int[] geometry(Tensor input, Tensor output, int kh, int kw, Conv2dParams p) {
    return new int[] {input.dim(0), input.dim(1), input.dim(2), input.dim(3), output.dim(1),
        output.dim(2), output.dim(3), kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(),
        p.dilationH(), p.dilationW(), p.groups()};
  }

  @Override
  protected void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams params, Tensor y) {
    int[] g = geometry(x, y, w.dim(2), w.dim(3), params);
    long n = y.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "conv_forward"), new long[] {n},
        null, call.in(x), call.in(w), bias != null ? call.in(bias) : call.scratch(4),
        bias != null ? 1 : 0, g, call.out(y)));
  }

  @Override
  protected void backwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx) {
    int[] g = geometry(dx, dy, w.dim(2), w.dim(3), params);
    long n = dx.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "conv_backward_input"),
        new long[] {n}, null, call.in(dy), call.in(w), g, call.out(dx)));
  }

  @Override
  protected void backwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw) {
    int[] g = geometry(x, dy, dw.dim(2), dw.dim(3), params);
    long n = dw.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "conv_backward_weight"),
        new long[] {n}, null, call.in(x), call.in(dy), g, call.out(dw)));
  }

  @Override
  protected void biasGradient(Tensor dy, Tensor dbias) {
    int batch = dy.dim(0);
    int channels = dy.dim(1);
    int plane = dy.dim(2) * dy.dim(3);
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "conv_bias_gradient"),
        new long[] {channels}, null, call.in(dy), batch, channels, plane, call.out(dbias)));
  }

  @Override
  protected void transposeForward(Tensor x, Tensor w, Tensor bias, Conv2dParams params,
      Tensor y) {
    int[] g = geometry(x, y, w.dim(2), w.dim(3), params);
    long n = y.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "conv_transpose_forward"),
        new long[] {n}, null, call.in(x), call.in(w),
        bias != null ? call.in(bias) : call.scratch(4), bias != null ? 1 : 0, g, call.out(y)));
  }

  @Override
  protected void transposeBackwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx) {
    int[] g = geometry(dx, dy, w.dim(2), w.dim(3), params);
    long n = dx.size();
    device.execute(call -> call.run(
        call.kernel(Program.SPATIAL, "conv_transpose_backward_input"), new long[] {n}, null,
        call.in(dy), call.in(w), g, call.out(dx)));
  }

  @Override
  protected void transposeBackwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw) {
    int[] g = geometry(x, dy, dw.dim(2), dw.dim(3), params);
    long n = dw.size();
    device.execute(call -> call.run(
        call.kernel(Program.SPATIAL, "conv_transpose_backward_weight"), new long[] {n}, null,
        call.in(x), call.in(dy), g, call.out(dw)));
  }
}
