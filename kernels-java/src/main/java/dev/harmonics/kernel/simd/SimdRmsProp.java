package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.OptimizerVectors.FLOAT;
import static dev.harmonics.kernel.simd.OptimizerVectors.LANES;
import static dev.harmonics.kernel.simd.OptimizerVectors.flushed;
import static dev.harmonics.kernel.simd.OptimizerVectors.get;
import static dev.harmonics.kernel.simd.OptimizerVectors.load;
import static dev.harmonics.kernel.simd.OptimizerVectors.set;
import static dev.harmonics.kernel.simd.OptimizerVectors.store;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * One fused RMSProp pass: param, grad and the state in use (square average, and the gradient
 * average and momentum buffer when configured) read once and written once. The scalar tail repeats
 * the vector lanes' exact float operations.
 */
final class SimdRmsProp implements KernelPool.RangeBody {

  private final MemorySegment param;
  private final MemorySegment grad;
  private final MemorySegment squareAvg;
  private final MemorySegment buffer;
  private final MemorySegment gradAvg;
  private final boolean decay;
  private final float weightDecay;
  private final float alpha;
  private final float oneMinusAlpha;
  private final float eps;
  private final float momentum;
  private final float negativeLr;

  private SimdRmsProp(RmsPropConfig c, Tensor param, Tensor grad, Tensor squareAvg, Tensor buffer,
      Tensor gradAvg) {
    this.param = param.data();
    this.grad = grad.data();
    this.squareAvg = squareAvg.data();
    this.buffer = buffer == null ? null : buffer.data();
    this.gradAvg = gradAvg == null ? null : gradAvg.data();
    this.decay = c.weightDecay() != 0;
    this.weightDecay = (float) c.weightDecay();
    this.alpha = (float) c.alpha();
    this.oneMinusAlpha = (float) (1 - c.alpha());
    this.eps = (float) c.eps();
    this.momentum = (float) c.momentum();
    this.negativeLr = (float) -c.lr();
  }

  static void update(RmsPropConfig c, Tensor param, Tensor grad, Tensor squareAvg, Tensor buffer,
      Tensor gradAvg) {
    OptimizerBlocks.forEachRange(
        param.size(), new SimdRmsProp(c, param, grad, squareAvg, buffer, gradAvg));
  }

  @Override
  public void run(int from, int to) {
    MemorySegment p = param;
    MemorySegment g = grad;
    MemorySegment s = squareAvg;
    MemorySegment b = buffer;
    MemorySegment a = gradAvg;
    boolean centered = a != null;
    boolean withMomentum = b != null;
    boolean decay = this.decay;
    float wd = weightDecay;
    float al = alpha;
    float c = oneMinusAlpha;
    float eps = this.eps;
    float mu = momentum;
    float lr = negativeLr;
    FloatVector wdV = FloatVector.broadcast(FLOAT, wd);
    FloatVector alphaV = FloatVector.broadcast(FLOAT, al);
    FloatVector muV = FloatVector.broadcast(FLOAT, mu);
    FloatVector lrV = FloatVector.broadcast(FLOAT, lr);
    int i = from;
    for (int bound = from + FLOAT.loopBound(to - from); i < bound; i += LANES) {
      FloatVector pv = load(p, i);
      FloatVector gv = load(g, i);
      if (decay) {
        gv = pv.fma(wdV, gv);
      }
      FloatVector sv = flushed(load(s, i).fma(alphaV, gv.mul(c).mul(gv)));
      store(sv, s, i);
      FloatVector variance = sv;
      if (centered) {
        FloatVector av = flushed(load(a, i).fma(alphaV, gv.mul(c)));
        store(av, a, i);
        variance = av.neg().fma(av, sv);
      }
      FloatVector step = gv.div(variance.sqrt().add(eps));
      if (withMomentum) {
        step = flushed(load(b, i).fma(muV, step));
        store(step, b, i);
      }
      store(step.fma(lrV, pv), p, i);
    }
    for (; i < to; i++) {
      float pi = get(p, i);
      float gi = get(g, i);
      if (decay) {
        gi = Math.fma(pi, wd, gi);
      }
      float si = flushed(Math.fma(get(s, i), al, gi * c * gi));
      set(s, i, si);
      float variance = si;
      if (centered) {
        float ai = flushed(Math.fma(get(a, i), al, gi * c));
        set(a, i, ai);
        variance = Math.fma(-ai, ai, si);
      }
      float step = gi / ((float) Math.sqrt(variance) + eps);
      if (withMomentum) {
        step = flushed(Math.fma(get(b, i), mu, step));
        set(b, i, step);
      }
      set(p, i, Math.fma(step, lr, pi));
    }
  }
}
