package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;

/**
 * Fused optimizer updates on an OpenCL device, one work-item per parameter. LAMB's trust ratio
 * needs whole-tensor norms: moments and per-chunk norms, then the ratio, then the update, all on
 * the device.
 */
final class OpenClOptimizer extends OptimizerKernels {

  private final OpenClDevice device;

  OpenClOptimizer(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void sgdUpdate(
      SgdConfig c, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
    long n = param.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "sgd_update"), new long[] {n},
        null, call.real(c.lr()), call.real(c.momentum()), call.real(c.dampening()),
        call.real(c.weightDecay()), c.nesterov() ? 1 : 0, step == 1 ? 1 : 0,
        call.inOut(param), call.in(grad),
        momentumBuffer != null ? call.inOut(momentumBuffer) : call.scratch(4), n));
  }

  @Override
  protected void adamUpdate(
      AdamConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
    long n = param.size();
    double correction1 = 1 - Math.pow(c.beta1(), step);
    double correction2 = 1 - Math.pow(c.beta2(), step);
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "adam_update"),
        new long[] {n}, null, call.real(c.lr()), call.real(c.beta1()), call.real(c.beta2()),
        call.real(c.eps()), call.real(c.weightDecay()), c.decoupled() ? 1 : 0,
        call.real(correction1), call.real(correction2), call.inOut(param), call.in(grad),
        call.inOut(m), call.inOut(v), vMax != null ? 1 : 0,
        vMax != null ? call.inOut(vMax) : call.scratch(4), n));
  }

  @Override
  protected void rmspropUpdate(RmsPropConfig c, Tensor param, Tensor grad, Tensor squareAvg,
      Tensor momentumBuffer, Tensor gradAvg) {
    long n = param.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "rmsprop_update"),
        new long[] {n}, null, call.real(c.lr()), call.real(c.alpha()), call.real(c.eps()),
        call.real(c.momentum()), call.real(c.weightDecay()), call.inOut(param), call.in(grad),
        call.inOut(squareAvg), momentumBuffer != null ? 1 : 0,
        momentumBuffer != null ? call.inOut(momentumBuffer) : call.scratch(4),
        gradAvg != null ? 1 : 0, gradAvg != null ? call.inOut(gradAvg) : call.scratch(4), n));
  }

  @Override
  protected void lambUpdate(
      LambConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    long n = param.size();
    long chunks = DeviceSums.chunks(n);
    Object correction1 = 1 - Math.pow(c.beta1(), step);
    Object correction2 = 1 - Math.pow(c.beta2(), step);
    device.execute(call -> {
      Object c1 = call.real((double) correction1);
      Object c2 = call.real((double) correction2);
      ClBuffer partials = call.scratch(2 * chunks * call.realBytes());
      ClBuffer trust = call.scratch(call.realBytes());
      ClBuffer p = call.inOut(param);
      ClBuffer ms = call.inOut(m);
      ClBuffer vs = call.inOut(v);
      call.run(call.kernel(Program.POINTWISE, "lamb_moments"), new long[] {chunks}, null,
          call.real(c.beta1()), call.real(c.beta2()), call.real(c.eps()),
          call.real(c.weightDecay()), c1, c2, p, call.in(grad), ms, vs, n, DeviceSums.CHUNK,
          partials, chunks);
      call.run(call.kernel(Program.POINTWISE, "lamb_trust"), new long[] {1}, null, partials,
          chunks, trust);
      call.run(call.kernel(Program.POINTWISE, "lamb_apply"), new long[] {n}, null,
          call.real(c.lr()), call.real(c.eps()), call.real(c.weightDecay()), c1, c2, p, ms, vs,
          trust, n);
    });
  }

  @Override
  protected double sumOfSquares(Tensor tensor) {
    double[] sum = new double[1];
    device.execute(call -> sum[0] = DeviceSums.squares(call, call.in(tensor), null,
        tensor.size()));
    return sum[0];
  }

  @Override
  protected void scale(Tensor tensor, float factor) {
    long n = tensor.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "scale"), new long[] {n}, null,
        call.inOut(tensor), factor, n));
  }
}
