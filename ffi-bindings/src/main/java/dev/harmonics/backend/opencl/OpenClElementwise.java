package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.Broadcasting;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Broadcasting arithmetic on an OpenCL device. The backward pass runs one work-item per element of
 * each operand's gradient, summing over the dimensions that operand was broadcast along, so no
 * atomics are needed and the sum order is fixed.
 */
final class OpenClElementwise extends ElementwiseKernels {

  private final OpenClDevice device;

  OpenClElementwise(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void forwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    int[] shape = Dims.shape("out", out, out.shape());
    int[] as = Dims.strides(Broadcasting.strides(a.shape(), out.shape()));
    int[] bs = Dims.strides(Broadcasting.strides(b.shape(), out.shape()));
    long n = out.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "binary_forward"),
        new long[] {n}, null, op.ordinal(), call.in(a), as, call.in(b), bs, call.out(out),
        shape, n));
  }

  @Override
  protected void backwardKernel(
      BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
    int[] shape = Dims.shape("dy", dy, dy.shape());
    int[] as = Dims.strides(Broadcasting.strides(a.shape(), dy.shape()));
    int[] bs = Dims.strides(Broadcasting.strides(b.shape(), dy.shape()));
    boolean daAliasesDy = da != null && da.sameElements(dy);
    device.execute(call -> {
      if (daAliasesDy) {
        gradient(call, op, 1, a, as, b, bs, dy, shape, db);
        gradient(call, op, 0, a, as, b, bs, dy, shape, da);
      } else {
        gradient(call, op, 0, a, as, b, bs, dy, shape, da);
        gradient(call, op, 1, a, as, b, bs, dy, shape, db);
      }
    });
  }

  private static void gradient(DeviceCall call, BinaryOp op, int target, Tensor a, int[] as,
      Tensor b, int[] bs, Tensor dy, int[] shape, Tensor grad) {
    if (grad == null) {
      return;
    }
    int[] targetShape = Dims.shape("grad", grad, (target == 0 ? a : b).shape());
    int[] reduced = new int[Dims.MAX_RANK];
    long reducedCount = 1;
    for (int d = 0; d < Dims.MAX_RANK; d++) {
      reduced[d] = targetShape[d] == 1 && shape[d] > 1 ? shape[d] : 1;
      reducedCount *= reduced[d];
    }
    long n = grad.size();
    call.run(call.kernel(Program.POINTWISE, "binary_backward"), new long[] {n}, null,
        op.ordinal(), target, call.in(a), as, call.in(b), bs, call.in(dy), shape, targetShape,
        reduced, reducedCount, call.out(grad), n);
  }

  @Override
  protected void scalarKernel(BinaryOp op, Tensor x, float s, Tensor out) {
    long n = x.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "scalar_op"), new long[] {n},
        null, op.ordinal(), call.in(x), s, call.out(out), n));
  }

  @Override
  protected void axpyKernel(float alpha, Tensor x, Tensor y) {
    long n = x.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "axpy"), new long[] {n}, null,
        alpha, call.in(x), call.inOut(y), n));
  }
}
