package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.OPTIMIZER;
import static dev.harmonics.backend.cuda.KernelModule.REDUCE;

import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;

/**
 * Fused optimizer updates on a CUDA device ({@code optimizer.cu}). Norms are block partial sums
 * combined in a fixed order, so repeated runs give the same bits; LAMB's trust ratio never leaves
 * the device.
 */
final class CudaOptimizer extends OptimizerKernels {

  private final CallFactory calls;

  CudaOptimizer(CallFactory calls) {
    this.calls = calls;
  }

  private static int partialBlocks(long n) {
    return (int) Math.clamp((n + CudaDevice.THREADS_PER_BLOCK - 1) / CudaDevice.THREADS_PER_BLOCK,
        1, CudaDevice.MAX_BLOCKS);
  }

  @Override
  protected void sgdUpdate(
      SgdConfig c, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
    try (DeviceCall call = calls.open()) {
      long p = call.inOut(param);
      long g = call.in(grad);
      // On step 1 the buffer is only written, but reading it too keeps one binding rule.
      long b = call.inOutOrNull(momentumBuffer);
      call.launch(OPTIMIZER, "hx_sgd", param.size(), p, g, b, (long) param.size(), c.lr(),
          c.momentum(), c.dampening(), c.weightDecay(), c.nesterov() ? 1 : 0, step == 1 ? 1 : 0);
    }
  }

  @Override
  protected void adamUpdate(
      AdamConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
    try (DeviceCall call = calls.open()) {
      long p = call.inOut(param);
      long g = call.in(grad);
      long ms = call.inOut(m);
      long vs = call.inOut(v);
      long xs = call.inOutOrNull(vMax);
      call.launch(OPTIMIZER, "hx_adam", param.size(), p, g, ms, vs, xs, (long) param.size(),
          c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), c.decoupled() ? 1 : 0,
          1 - Math.pow(c.beta1(), step), 1 - Math.pow(c.beta2(), step));
    }
  }

  @Override
  protected void rmspropUpdate(RmsPropConfig c, Tensor param, Tensor grad, Tensor squareAvg,
      Tensor momentumBuffer, Tensor gradAvg) {
    try (DeviceCall call = calls.open()) {
      long p = call.inOut(param);
      long g = call.in(grad);
      long s = call.inOut(squareAvg);
      long b = call.inOutOrNull(momentumBuffer);
      long a = call.inOutOrNull(gradAvg);
      call.launch(OPTIMIZER, "hx_rmsprop", param.size(), p, g, s, b, a, (long) param.size(),
          c.lr(), c.alpha(), c.eps(), c.momentum(), c.weightDecay());
    }
  }

  @Override
  protected void lambUpdate(
      LambConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    double correction1 = 1 - Math.pow(c.beta1(), step);
    double correction2 = 1 - Math.pow(c.beta2(), step);
    long n = param.size();
    int blocks = partialBlocks(n);
    try (DeviceCall call = calls.open()) {
      long p = call.inOut(param);
      long g = call.in(grad);
      long ms = call.inOut(m);
      long vs = call.inOut(v);
      long partials = call.scratch(2L * blocks * Double.BYTES);
      long trust = call.scratch(Double.BYTES);
      call.launchBlocks(OPTIMIZER, "hx_lamb_moments", blocks, p, g, ms, vs, n, c.beta1(),
          c.beta2(), c.eps(), c.weightDecay(), correction1, correction2, partials);
      call.launchBlocks(OPTIMIZER, "hx_lamb_trust", 1, partials, blocks, trust);
      call.launch(OPTIMIZER, "hx_lamb_apply", n, p, ms, vs, n, c.lr(), c.eps(), c.weightDecay(),
          correction1, correction2, trust);
    }
  }

  @Override
  protected double sumOfSquares(Tensor tensor) {
    long n = tensor.size();
    int blocks = partialBlocks(n);
    try (DeviceCall call = calls.open()) {
      long x = call.in(tensor);
      long partials = call.scratch((long) blocks * Double.BYTES);
      call.launchBlocks(REDUCE, "hx_sum_squares", blocks, x, n, partials);
      return CudaLoss.total(call, partials, blocks);
    }
  }

  @Override
  protected void scale(Tensor tensor, float factor) {
    try (DeviceCall call = calls.open()) {
      long x = call.inOut(tensor);
      call.launch(OPTIMIZER, "hx_scale", tensor.size(), x, (long) tensor.size(), factor);
    }
  }
}
