package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Pooling on an OpenCL device ({@code spatial.cl}). Average pooling's backward kernel runs one
 * work-item per input element and gathers from the windows that contain it, in output order; max
 * pooling's scatters through the saved indices, one work-item per plane.
 */
final class OpenClPool extends PoolKernels {

  private final OpenClDevice device;

  OpenClPool(OpenClDevice device) {
    this.device = device;
  }

  /** The geometry vector of spatial.cl: x (or dx) [N, C, H, W], y (or dy) [.., OH, OW]. */
  private static int[] geometry(Tensor input, Tensor output, Pool2dParams p) {
    return new int[] {input.dim(0) * input.dim(1), input.dim(2), input.dim(3), output.dim(2),
        output.dim(3), p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
        p.dilationH(), p.dilationW(), p.countIncludePad() ? 1 : 0, 0, 0};
  }

  @Override
  protected void maxForward(Tensor x, Pool2dParams params, Tensor y, Tensor indices) {
    long n = y.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "max_pool_forward"),
        new long[] {n}, null, call.in(x), geometry(x, y, params), call.out(y),
        indices != null ? 1 : 0, indices != null ? call.out(indices) : call.scratch(4)));
  }

  @Override
  protected void maxBackward(Tensor dy, Tensor indices, Tensor dx) {
    int planes = dx.dim(0) * dx.dim(1);
    int planeSize = dx.dim(2) * dx.dim(3);
    int outPlane = dy.dim(2) * dy.dim(3);
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "max_pool_backward"),
        new long[] {planes}, null, call.in(dy), call.in(indices), planes, planeSize, outPlane,
        call.out(dx)));
  }

  @Override
  protected void avgForward(Tensor x, Pool2dParams params, Tensor y) {
    long n = y.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "avg_pool_forward"),
        new long[] {n}, null, call.in(x), geometry(x, y, params), call.out(y)));
  }

  @Override
  protected void avgBackward(Tensor dy, Pool2dParams params, Tensor dx) {
    long n = dx.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "avg_pool_backward"),
        new long[] {n}, null, call.in(dy), geometry(dx, dy, params), call.out(dx)));
  }

  @Override
  protected void globalAvgForward(Tensor x, Tensor y) {
    int planes = x.dim(0) * x.dim(1);
    int planeSize = x.dim(2) * x.dim(3);
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "global_avg_forward"),
        new long[] {planes}, null, call.in(x), planes, planeSize, call.out(y)));
  }

  @Override
  protected void globalAvgBackward(Tensor dy, Tensor dx) {
    int planes = dx.dim(0) * dx.dim(1);
    int planeSize = dx.dim(2) * dx.dim(3);
    long n = dx.size();
    device.execute(call -> call.run(call.kernel(Program.SPATIAL, "global_avg_backward"),
        new long[] {n}, null, call.in(dy), planes, planeSize, call.out(dx)));
  }
}
