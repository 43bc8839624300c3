package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.OptimizerVectors.FLOAT;
import static dev.harmonics.kernel.simd.OptimizerVectors.LANES;
import static dev.harmonics.kernel.simd.OptimizerVectors.get;
import static dev.harmonics.kernel.simd.OptimizerVectors.load;
import static dev.harmonics.kernel.simd.OptimizerVectors.set;
import static dev.harmonics.kernel.simd.OptimizerVectors.store;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * One fused SGD pass: reads param, grad and (after step 1) the momentum buffer once, writes param
 * and the buffer once. The scalar tail repeats the vector lanes' exact float operations, so an
 * element's result does not depend on where a thread's range starts.
 */
final class SimdSgd implements KernelPool.RangeBody {

  private final MemorySegment param;
  private final MemorySegment grad;
  private final MemorySegment buffer;
  private final boolean firstStep;
  private final boolean nesterov;
  private final boolean decay;
  private final float weightDecay;
  private final float momentum;
  private final float oneMinusDampening;
  private final float negativeLr;

  private SimdSgd(SgdConfig c, long step, Tensor param, Tensor grad, Tensor buffer) {
    this.param = param.data();
    this.grad = grad.data();
    this.buffer = buffer == null ? null : buffer.data();
    this.firstStep = step == 1;
    this.nesterov = c.nesterov();
    this.decay = c.weightDecay() != 0;
    this.weightDecay = (float) c.weightDecay();
    this.momentum = (float) c.momentum();
    this.oneMinusDampening = (float) (1 - c.dampening());
    this.negativeLr = (float) -c.lr();
  }

  static void update(SgdConfig c, long step, Tensor param, Tensor grad, Tensor buffer) {
    OptimizerBlocks.forEachRange(param.size(), new SimdSgd(c, step, param, grad, buffer));
  }

  @Override
  public void run(int from, int to) {
    if (buffer == null) {
      plain(from, to);
    } else {
      withMomentum(from, to);
    }
  }

  private void plain(int from, int to) {
    MemorySegment p = param;
    MemorySegment g = grad;
    boolean decay = this.decay;
    float wd = weightDecay;
    float lr = negativeLr;
    FloatVector wdV = FloatVector.broadcast(FLOAT, wd);
    FloatVector lrV = FloatVector.broadcast(FLOAT, lr);
    int i = from;
    for (int bound = from + FLOAT.loopBound(to - from); i < bound; i += LANES) {
      FloatVector pv = load(p, i);
      FloatVector gv = load(g, i);
      if (decay) {
        gv = pv.fma(wdV, gv);
      }
      store(gv.fma(lrV, pv), p, i);
    }
    for (; i < to; i++) {
      float pi = get(p, i);
      float gi = get(g, i);
      if (decay) {
        gi = Math.fma(pi, wd, gi);
      }
      set(p, i, Math.fma(gi, lr, pi));
    }
  }

  private void withMomentum(int from, int to) {
    MemorySegment p = param;
    MemorySegment g = grad;
    MemorySegment b = buffer;
    boolean decay = this.decay;
    boolean first = firstStep;
    boolean nesterov = this.nesterov;
    float wd = weightDecay;
    float mu = momentum;
    float keep = oneMinusDampening;
    float lr = negativeLr;
    FloatVector wdV = FloatVector.broadcast(FLOAT, wd);
    FloatVector muV = FloatVector.broadcast(FLOAT, mu);
    FloatVector lrV = FloatVector.broadcast(FLOAT, lr);
    int i = from;
    for (int bound = from + FLOAT.loopBound(to - from); i < bound; i += LANES) {
      FloatVector pv = load(p, i);
      FloatVector gv = load(g, i);
      if (decay) {
        gv = pv.fma(wdV, gv);
      }
      FloatVector bv = first ? gv : load(b, i).fma(muV, gv.mul(keep));
      store(bv, b, i);
      FloatVector direction = nesterov ? bv.fma(muV, gv) : bv;
      store(direction.fma(lrV, pv), p, i);
    }
    for (; i < to; i++) {
      float pi = get(p, i);
      float gi = get(g, i);
      if (decay) {
        gi = Math.fma(pi, wd, gi);
      }
      float bi = first ? gi : Math.fma(get(b, i), mu, gi * keep);
      set(b, i, bi);
      float direction = nesterov ? Math.fma(bi, mu, gi) : bi;
      set(p, i, Math.fma(direction, lr, pi));
    }
  }
}
