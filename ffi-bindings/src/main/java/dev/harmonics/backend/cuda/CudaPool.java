package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.POOL;

import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.tensor.Tensor;

/** 2-d pooling on a CUDA device ({@code pool.cu}). */
final class CudaPool extends PoolKernels {

  private final CallFactory calls;

  CudaPool(CallFactory calls) {
    this.calls = calls;
  }

  private static long planes(Tensor t) {
    return (long) t.dim(0) * t.dim(1);
  }

  @Override
  protected void maxForward(Tensor x, Pool2dParams params, Tensor y, Tensor indices) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.out(y);
      long is = call.outOrNull(indices);
      call.launch(POOL, "hx_max_pool", y.size(), xs, ys, is, planes(x), x.dim(2), x.dim(3),
          y.dim(2), y.dim(3), KernelStructs.window(params));
    }
  }

  @Override
  protected void maxBackward(Tensor dy, Tensor indices, Tensor dx) {
    long planes = planes(dx);
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long is = call.in(indices);
      long dxs = call.out(dx);
      call.launch(POOL, "hx_max_pool_backward", planes, dys, is, dxs, planes,
          (long) dx.dim(2) * dx.dim(3), (long) dy.dim(2) * dy.dim(3));
    }
  }

  @Override
  protected void avgForward(Tensor x, Pool2dParams params, Tensor y) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.out(y);
      call.launch(POOL, "hx_avg_pool", y.size(), xs, ys, planes(x), x.dim(2), x.dim(3), y.dim(2),
          y.dim(3), KernelStructs.window(params));
    }
  }

  @Override
  protected void avgBackward(Tensor dy, Pool2dParams params, Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long dxs = call.out(dx);
      call.launch(POOL, "hx_avg_pool_backward", dx.size(), dys, dxs, planes(dx), dx.dim(2),
          dx.dim(3), dy.dim(2), dy.dim(3), KernelStructs.window(params));
    }
  }

  @Override
  protected void globalAvgForward(Tensor x, Tensor y) {
    long planes = planes(x);
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.out(y);
      call.launchBlocks(POOL, "hx_global_avg_pool", (int) Math.min(planes, CudaDevice.MAX_BLOCKS),
          xs, ys, planes, (long) x.dim(2) * x.dim(3));
    }
  }

  @Override
  protected void globalAvgBackward(Tensor dy, Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long dxs = call.out(dx);
      call.launch(POOL, "hx_global_avg_pool_backward", dx.size(), dys, dxs, planes(dx),
          (long) dx.dim(2) * dx.dim(3));
    }
  }
}
