package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.OptimizerVectors.FLOAT;
import static dev.harmonics.kernel.simd.OptimizerVectors.LANES;
import static dev.harmonics.kernel.simd.OptimizerVectors.get;
import static dev.harmonics.kernel.simd.OptimizerVectors.load;
import static dev.harmonics.kernel.simd.OptimizerVectors.set;
import static dev.harmonics.kernel.simd.OptimizerVectors.store;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * One fused Adam / AdamW / AMSGrad pass: param, grad, m, v (and vMax) read once, param, m, v (and
 * vMax) written once. The bias corrections are folded into two scalars: the step size {@code
 * lr / (1 - beta1^t)} and {@code 1 / sqrt(1 - beta2^t)}. The scalar tail repeats the vector lanes'
 * exact float operations.
 *
 * <p>Tensors are read through their storage and byte offset rather than {@code data()} slices, so a
 * call allocates only this object (small inputs run it on the caller, without a pool hand-off).
 */
final class SimdAdam implements KernelPool.RangeBody {

  private final MemorySegment param;
  private final long paramBase;
  private final MemorySegment grad;
  private final long gradBase;
  private final MemorySegment m;
  private final long mBase;
  private final MemorySegment v;
  private final long vBase;
  private final MemorySegment vMax;
  private final long vMaxBase;
  /** {@code 1 - lr * weightDecay} for AdamW, exactly 1 otherwise (a no-op multiply). */
  private final float shrink;
  private final boolean coupled;
  private final float weightDecay;
  private final float beta1;
  private final float oneMinusBeta1;
  private final float beta2;
  private final float oneMinusBeta2;
  private final float inverseRootCorrection2;
  private final float eps;
  private final float negativeStepSize;

  private SimdAdam(AdamConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v,
      Tensor vMax) {
    this.param = param.storage();
    this.paramBase = param.byteOffset();
    this.grad = grad.storage();
    this.gradBase = grad.byteOffset();
    this.m = m.storage();
    this.mBase = m.byteOffset();
    this.v = v.storage();
    this.vBase = v.byteOffset();
    this.vMax = vMax == null ? null : vMax.storage();
    this.vMaxBase = vMax == null ? 0 : vMax.byteOffset();
    this.shrink = c.decoupled() ? (float) (1 - c.lr() * c.weightDecay()) : 1f;
    this.coupled = !c.decoupled() && c.weightDecay() != 0;
    this.weightDecay = (float) c.weightDecay();
    this.beta1 = (float) c.beta1();
    this.oneMinusBeta1 = (float) (1 - c.beta1());
    this.beta2 = (float) c.beta2();
    this.oneMinusBeta2 = (float) (1 - c.beta2());
    this.inverseRootCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(c.beta2(), step)));
    this.eps = (float) c.eps();
    this.negativeStepSize = (float) (-c.lr() / (1 - Math.pow(c.beta1(), step)));
  }

  static void update(AdamConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v,
      Tensor vMax) {
    OptimizerBlocks.forEachRange(param.size(), new SimdAdam(c, step, param, grad, m, v, vMax));
  }

  @Override
  public void run(int from, int to) {
    MemorySegment p = param;
    MemorySegment g = grad;
    MemorySegment ms = m;
    MemorySegment vs = v;
    MemorySegment xs = vMax;
    long pb = paramBase;
    long gb = gradBase;
    long mb = mBase;
    long vb = vBase;
    long xb = vMaxBase;
    boolean amsgrad = xs != null;
    boolean coupled = this.coupled;
    float shrink = this.shrink;
    float wd = weightDecay;
    float b1 = beta1;
    float c1 = oneMinusBeta1;
    float b2 = beta2;
    float c2 = oneMinusBeta2;
    float root2 = inverseRootCorrection2;
    float eps = this.eps;
    float stepSize = negativeStepSize;
    FloatVector wdV = FloatVector.broadcast(FLOAT, wd);
    FloatVector b1V = FloatVector.broadcast(FLOAT, b1);
    FloatVector b2V = FloatVector.broadcast(FLOAT, b2);
    FloatVector stepSizeV = FloatVector.broadcast(FLOAT, stepSize);
    int i = from;
    for (int bound = from + FLOAT.loopBound(to - from); i < bound; i += LANES) {
      FloatVector pv = load(p, pb, i).mul(shrink);
      FloatVector gv = load(g, gb, i);
      if (coupled) {
        gv = pv.fma(wdV, gv);
      }
      FloatVector mv = load(ms, mb, i).fma(b1V, gv.mul(c1));
      FloatVector vv = load(vs, vb, i).fma(b2V, gv.mul(c2).mul(gv));
      store(mv, ms, mb, i);
      store(vv, vs, vb, i);
      if (amsgrad) {
        vv = load(xs, xb, i).max(vv);
        store(vv, xs, xb, i);
      }
      FloatVector denominator = vv.sqrt().fma(root2, eps);
      store(mv.div(denominator).fma(stepSizeV, pv), p, pb, i);
    }
    for (; i < to; i++) {
      float pi = get(p, pb, i) * shrink;
      float gi = get(g, gb, i);
      if (coupled) {
        gi = Math.fma(pi, wd, gi);
      }
      float mi = Math.fma(get(ms, mb, i), b1, gi * c1);
      float vi = Math.fma(get(vs, vb, i), b2, gi * c2 * gi);
      set(ms, mb, i, mi);
      set(vs, vb, i, vi);
      if (amsgrad) {
        vi = Math.max(get(xs, xb, i), vi);
        set(xs, xb, i, vi);
      }
      float denominator = Math.fma((float) Math.sqrt(vi), root2, eps);
      set(p, pb, i, Math.fma(mi / denominator, stepSize, pi));
    }
  }
}
