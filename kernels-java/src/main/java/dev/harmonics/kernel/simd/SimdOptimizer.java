package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;

/**
 * Vector API optimizer kernels: one fused pass per update (two for LAMB), float32 lanes with fused
 * multiply-adds, tensors above a few blocks split over the {@code KernelPool}. Each optimizer lives
 * in its own class; this one only dispatches.
 */
final class SimdOptimizer extends OptimizerKernels {

  @Override
  protected void sgdUpdate(
      SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
    SimdSgd.update(config, step, param, grad, momentumBuffer);
  }

  @Override
  protected void adamUpdate(
      AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
    SimdAdam.update(config, step, param, grad, m, v, vMax);
  }

  @Override
  protected void rmspropUpdate(RmsPropConfig config, Tensor param, Tensor grad, Tensor squareAvg,
      Tensor momentumBuffer, Tensor gradAvg) {
    SimdRmsProp.update(config, param, grad, squareAvg, momentumBuffer, gradAvg);
  }

  @Override
  protected void lambUpdate(
      LambConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    SimdLamb.update(config, step, param, grad, m, v);
  }

  @Override
  protected double sumOfSquares(Tensor tensor) {
    return SimdSquares.sumOfSquares(tensor);
  }

  @Override
  protected void scale(Tensor tensor, float factor) {
    SimdSquares.scale(tensor, factor);
  }
}
