package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.ELEMENTWISE;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.Broadcasting;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** Elementwise kernels with broadcasting on a CUDA device ({@code elementwise.cu}). */
final class CudaElementwise extends ElementwiseKernels {

  private final CallFactory calls;

  CudaElementwise(CallFactory calls) {
    this.calls = calls;
  }

  private static MemorySegment geometry(Tensor a, Tensor b, int[] shape) {
    return KernelStructs.geometry(shape, Broadcasting.strides(a.shape(), shape),
        Broadcasting.strides(b.shape(), shape));
  }

  @Override
  protected void forwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    try (DeviceCall call = calls.open()) {
      long as = call.in(a);
      long bs = call.in(b);
      long os = call.out(out);
      call.launch(ELEMENTWISE, "hx_ew_forward", out.size(), op.ordinal(), as, bs, os,
          (long) out.size(), geometry(a, b, out.shape()));
    }
  }

  @Override
  protected void backwardKernel(
      BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
    MemorySegment g = geometry(a, b, dy.shape());
    try (DeviceCall call = calls.open()) {
      long as = call.in(a);
      long bs = call.in(b);
      long dys = call.in(dy);
      long das = call.outOrNull(da);
      long dbs = call.outOrNull(db);
      // A gradient may be dy itself: the other one, which still reads dy, runs first.
      boolean daFirst = da == null || db == null || !da.data().equals(dy.data());
      for (int which : daFirst ? new int[] {0, 1} : new int[] {1, 0}) {
        Tensor operand = which == 0 ? a : b;
        long grad = which == 0 ? das : dbs;
        if (grad != 0) {
          call.launch(ELEMENTWISE, "hx_ew_backward", operand.size(), op.ordinal(), which, as, bs,
              dys, grad, (long) operand.size(), g);
        }
      }
    }
  }

  @Override
  protected void scalarKernel(BinaryOp op, Tensor x, float s, Tensor out) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long os = call.out(out);
      call.launch(ELEMENTWISE, "hx_ew_scalar", x.size(), op.ordinal(), xs, s, os,
          (long) x.size());
    }
  }

  @Override
  protected void axpyKernel(float alpha, Tensor x, Tensor y) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.inOut(y);
      call.launch(ELEMENTWISE, "hx_ew_axpy", x.size(), alpha, xs, ys, (long) x.size());
    }
  }
}
