package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * SGD and Adam / AdamW / AMSGrad in C, chunks split over the pool. The scalars are derived here in
 * double exactly as the Java SIMD kernels derive them, and the C loop repeats their float steps, so
 * both backends give the same bits. RMSProp, LAMB and the norms run on the Java backend, and so
 * do small SGD calls and, by default, every Adam call: the C Adam loop was measured about five
 * times slower than the SIMD kernel at every size ({@link SmallCalls}).
 */
final class NativeOptimizers extends OptimizerKernels {

  private static final long BLOCK = 1 << 16;

  private final NativeKernels nk;
  private final KernelProvider java;
  private final SmallCalls small;

  NativeOptimizers(NativeKernels nk, KernelProvider java, SmallCalls small) {
    this.nk = nk;
    this.java = java;
    this.small = small;
  }

  @Override
  protected void sgdUpdate(
      SgdConfig c, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
    if (small.inJava(SmallCalls.Kernel.SGD, param.size())) {
      sgdUnchecked(java.optimizers(), c, step, param, grad, momentumBuffer);
      return;
    }
    MemorySegment p = param.data();
    MemorySegment g = grad.data();
    MemorySegment b = momentumBuffer == null ? MemorySegment.NULL : momentumBuffer.data();
    float negativeLr = (float) -c.lr();
    float momentum = (float) c.momentum();
    float keep = (float) (1 - c.dampening());
    boolean decay = c.weightDecay() != 0;
    float weightDecay = (float) c.weightDecay();
    boolean first = step == 1;
    Chunks.split(param.size(), BLOCK, param.size(), Chunks.shareable(p, g, b), (from, to) ->
        nk.sgd(to - from, p.asSlice(4 * from), g.asSlice(4 * from), slice(b, from), negativeLr,
            momentum, keep, decay, weightDecay, c.nesterov(), first));
  }

  @Override
  protected void adamUpdate(
      AdamConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
    if (small.inJava(SmallCalls.Kernel.ADAM, param.size())) {
      adamUnchecked(java.optimizers(), c, step, param, grad, m, v, vMax);
      return;
    }
    MemorySegment p = param.data();
    MemorySegment g = grad.data();
    MemorySegment ms = m.data();
    MemorySegment vs = v.data();
    MemorySegment xs = vMax == null ? MemorySegment.NULL : vMax.data();
    float shrink = c.decoupled() ? (float) (1 - c.lr() * c.weightDecay()) : 1f;
    boolean coupled = !c.decoupled() && c.weightDecay() != 0;
    float weightDecay = (float) c.weightDecay();
    float beta1 = (float) c.beta1();
    float oneMinusBeta1 = (float) (1 - c.beta1());
    float beta2 = (float) c.beta2();
    float oneMinusBeta2 = (float) (1 - c.beta2());
    float inverseRootCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(c.beta2(), step)));
    float eps = (float) c.eps();
    float negativeStepSize = (float) (-c.lr() / (1 - Math.pow(c.beta1(), step)));
    Chunks.split(param.size(), BLOCK, param.size(), Chunks.shareable(p, g, ms, vs, xs),
        (from, to) -> nk.adam(to - from,
        p.asSlice(4 * from), g.asSlice(4 * from), ms.asSlice(4 * from), vs.asSlice(4 * from),
        slice(xs, from), shrink, coupled, weightDecay, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
        inverseRootCorrection2, eps, negativeStepSize));
  }

  private static MemorySegment slice(MemorySegment optional, long from) {
    return optional.equals(MemorySegment.NULL) ? optional : optional.asSlice(4 * from);
  }

  @Override
  protected void rmspropUpdate(RmsPropConfig config, Tensor param, Tensor grad, Tensor squareAvg,
      Tensor momentumBuffer, Tensor gradAvg) {
    java.optimizers().rmsprop(config, param, grad, squareAvg, momentumBuffer, gradAvg);
  }

  @Override
  protected void lambUpdate(
      LambConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    java.optimizers().lamb(config, step, param, grad, m, v);
  }

  @Override
  protected double sumOfSquares(Tensor tensor) {
    double norm = java.optimizers().l2Norm(tensor);
    return norm * norm;
  }

  @Override
  protected void scale(Tensor tensor, float factor) {
    java.optimizers().scaleInPlace(tensor, factor);
  }
}
