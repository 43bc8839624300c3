package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.OptimizerVectors.FLOAT;
import static dev.harmonics.kernel.simd.OptimizerVectors.LANES;
import static dev.harmonics.kernel.simd.OptimizerVectors.flushed;
import static dev.harmonics.kernel.simd.OptimizerVectors.get;
import static dev.harmonics.kernel.simd.OptimizerVectors.load;
import static dev.harmonics.kernel.simd.OptimizerVectors.set;
import static dev.harmonics.kernel.simd.OptimizerVectors.store;

import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * One fused Adam / AdamW / AMSGrad pass: param, grad, m, v (and vMax) read once, param, m, v (and
 * vMax) written once. The bias corrections are folded into two scalars: the step size {@code
 * lr / (1 - beta1^t)} and {@code 1 / sqrt(1 - beta2^t)} (see {@link #logs} for the powers). The
 * scalar tail repeats the vector lanes' exact float operations.
 *
 * <p>Tensors are passed as storage and byte offset, and the loop cuts its own exact slices (see
 * the package documentation; a {@code data()} slice made here would cross into the loop as an
 * object). The scalars are locals handed to a static loop: a small input runs it on the caller and
 * allocates nothing, a large one through a lambda over the pool. (An object holding them, removed
 * by escape analysis when C2 inlined its {@code run}, still cost 112 bytes in some JIT runs.)
 */
final class SimdAdam {

  private static Logs lastLogs;

  private SimdAdam() {}

  /**
   * The logarithms of the betas, from the last call if its betas were the same (a run keeps them
   * for every step; a learning-rate schedule changes only lr). {@code beta^t} is then {@code
   * exp(t ln beta)}: two {@code Math.pow} calls took about 40 ns of a 64-element update, two
   * {@code Math.exp} about 12. Against {@code Math.pow} the powers differ by under 1e-13
   * relative, and the float corrections made from them were identical for every step below two
   * million with betas 0.9 to 0.9999. The values depend only on the betas, so the result does not
   * depend on which thread or call filled the cache.
   */
  private static Logs logs(AdamConfig c) {
    Logs last = lastLogs;
    if (last == null || last.beta1 != c.beta1() || last.beta2 != c.beta2()) {
      last = new Logs(c.beta1(), c.beta2(), Math.log(c.beta1()), Math.log(c.beta2()));
      lastLogs = last;
    }
    return last;
  }

  /** Immutable, so publishing it through a plain field is safe: a reader sees all or nothing. */
  private record Logs(double beta1, double beta2, double lnBeta1, double lnBeta2) {}

  static void update(AdamConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v,
      Tensor vMax) {
    MemorySegment p = param.storage();
    long pb = param.byteOffset();
    MemorySegment g = grad.storage();
    long gb = grad.byteOffset();
    MemorySegment ms = m.storage();
    long mb = m.byteOffset();
    MemorySegment vs = v.storage();
    long vb = v.byteOffset();
    MemorySegment xs = vMax == null ? null : vMax.storage();
    long xb = vMax == null ? 0 : vMax.byteOffset();
    // 1 - lr * weightDecay for AdamW, exactly 1 otherwise (a no-op multiply).
    float shrink = c.decoupled() ? (float) (1 - c.lr() * c.weightDecay()) : 1f;
    boolean coupled = !c.decoupled() && c.weightDecay() != 0;
    float wd = (float) c.weightDecay();
    float b1 = (float) c.beta1();
    float c1 = (float) (1 - c.beta1());
    float b2 = (float) c.beta2();
    float c2 = (float) (1 - c.beta2());
    Logs logs = logs(c);
    float root2 = (float) (1 / Math.sqrt(1 - Math.exp(step * logs.lnBeta2)));
    float eps = (float) c.eps();
    float stepSize = (float) (-c.lr() / (1 - Math.exp(step * logs.lnBeta1)));
    int n = param.size();
    if (OptimizerBlocks.runsInline(n)) {
      range(p, pb, g, gb, ms, mb, vs, vb, xs, xb, coupled, shrink, wd, b1, c1, b2, c2, root2, eps,
          stepSize, 0, n);
    } else {
      OptimizerBlocks.forEachRange(n, (from, to) -> range(p, pb, g, gb, ms, mb, vs, vb, xs, xb,
          coupled, shrink, wd, b1, c1, b2, c2, root2, eps, stepSize, from, to));
    }
  }

  private static void range(MemorySegment p, long pb, MemorySegment g, long gb, MemorySegment ms,
      long mb, MemorySegment vs, long vb, MemorySegment xs, long xb, boolean coupled,
      float shrink, float wd, float b1, float c1, float b2, float c2, float root2, float eps,
      float stepSize, int from, int to) {
    int n = to - from;
    p = p.asSlice(pb + 4L * from, 4L * n);
    g = g.asSlice(gb + 4L * from, 4L * n);
    ms = ms.asSlice(mb + 4L * from, 4L * n);
    vs = vs.asSlice(vb + 4L * from, 4L * n);
    if (xs != null) {
      xs = xs.asSlice(xb + 4L * from, 4L * n);
    }
    boolean amsgrad = xs != null;
    FloatVector wdV = FloatVector.broadcast(FLOAT, wd);
    FloatVector b1V = FloatVector.broadcast(FLOAT, b1);
    FloatVector b2V = FloatVector.broadcast(FLOAT, b2);
    FloatVector stepSizeV = FloatVector.broadcast(FLOAT, stepSize);
    int i = 0;
    for (int bound = FLOAT.loopBound(n); i < bound; i += LANES) {
      FloatVector pv = load(p, i).mul(shrink);
      FloatVector gv = load(g, i);
      if (coupled) {
        gv = pv.fma(wdV, gv);
      }
      FloatVector mv = flushed(load(ms, i).fma(b1V, gv.mul(c1)));
      FloatVector vv = flushed(load(vs, i).fma(b2V, gv.mul(c2).mul(gv)));
      store(mv, ms, i);
      store(vv, vs, i);
      if (amsgrad) {
        vv = load(xs, i).max(vv);
        store(vv, xs, i);
      }
      FloatVector denominator = vv.sqrt().fma(root2, eps);
      store(mv.div(denominator).fma(stepSizeV, pv), p, i);
    }
    for (; i < n; i++) {
      float pi = get(p, i) * shrink;
      float gi = get(g, i);
      if (coupled) {
        gi = Math.fma(pi, wd, gi);
      }
      float mi = flushed(Math.fma(get(ms, i), b1, gi * c1));
      float vi = flushed(Math.fma(get(vs, i), b2, gi * c2 * gi));
      set(ms, i, mi);
      set(vs, i, vi);
      if (amsgrad) {
        vi = Math.max(get(xs, i), vi);
        set(xs, i, vi);
      }
      float denominator = Math.fma((float) Math.sqrt(vi), root2, eps);
      set(p, i, Math.fma(mi / denominator, stepSize, pi));
    }
  }
}
