package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.REDUCTION;

import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** Sum, mean, max and their backward on a CUDA device ({@code reduction.cu}). */
final class CudaReduction extends ReductionKernels {

  private final CallFactory calls;

  CudaReduction(CallFactory calls) {
    this.calls = calls;
  }

  /**
   * Geometry over the input shape: the output's row-major strides along kept axes (0 along
   * reduced ones), and 1 for each reduced axis.
   */
  static MemorySegment geometry(int[] shape, boolean[] reduced) {
    long[] outStrides = new long[shape.length];
    long[] mask = new long[shape.length];
    long stride = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (reduced[d]) {
        mask[d] = 1;
      } else {
        outStrides[d] = stride;
        stride *= shape[d];
      }
    }
    return KernelStructs.geometry(shape, outStrides, mask);
  }

  @Override
  protected void sumKernel(Tensor x, boolean[] reduced, int divisor, Tensor out) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long os = call.out(out);
      call.launch(REDUCTION, "hx_reduce_sum", out.size(), xs, os, (long) out.size(), divisor,
          geometry(x.shape(), reduced));
    }
  }

  @Override
  protected void maxKernel(Tensor x, boolean[] reduced, Tensor out) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long os = call.out(out);
      call.launch(REDUCTION, "hx_reduce_max", out.size(), xs, os, (long) out.size(),
          geometry(x.shape(), reduced));
    }
  }

  @Override
  protected void broadcastKernel(Tensor dy, boolean[] reduced, float scale, Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long dxs = call.out(dx);
      call.launch(REDUCTION, "hx_reduce_broadcast", dx.size(), dys, dxs, (long) dx.size(), scale,
          geometry(dx.shape(), reduced));
    }
  }

  @Override
  protected void maxBackwardKernel(
      Tensor x, Tensor y, Tensor dy, boolean[] reduced, Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.in(y);
      long dys = call.in(dy);
      long dxs = call.out(dx);
      call.launch(REDUCTION, "hx_reduce_max_backward", y.size(), xs, ys, dys, dxs,
          (long) y.size(), geometry(x.shape(), reduced));
    }
  }
}
