package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.OptimizerVectors.DOUBLE;
import static dev.harmonics.kernel.simd.OptimizerVectors.FLOAT;
import static dev.harmonics.kernel.simd.OptimizerVectors.LANES;
import static dev.harmonics.kernel.simd.OptimizerVectors.addHighSquares;
import static dev.harmonics.kernel.simd.OptimizerVectors.addLowSquares;
import static dev.harmonics.kernel.simd.OptimizerVectors.flushed;
import static dev.harmonics.kernel.simd.OptimizerVectors.get;
import static dev.harmonics.kernel.simd.OptimizerVectors.load;
import static dev.harmonics.kernel.simd.OptimizerVectors.set;
import static dev.harmonics.kernel.simd.OptimizerVectors.store;
import static dev.harmonics.kernel.simd.OptimizerVectors.sumLanes;

import dev.harmonics.kernel.LambConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * LAMB in two passes. The first updates m and v and sums {@code p * p} and {@code u * u} per fixed
 * block in float64 lanes (see {@link OptimizerVectors}); the second recomputes the direction {@code
 * u} from the stored moments, bit for bit as the first pass did, and applies it scaled by the trust
 * ratio. Recomputing costs the same traffic as storing {@code u} (reading m and v instead of
 * writing and reading a scratch tensor) and needs no scratch memory.
 */
final class SimdLamb {

  private final MemorySegment param;
  private final MemorySegment grad;
  private final MemorySegment m;
  private final MemorySegment v;
  private final boolean decay;
  private final float weightDecay;
  private final float beta1;
  private final float oneMinusBeta1;
  private final float beta2;
  private final float oneMinusBeta2;
  private final float inverseCorrection1;
  private final float inverseRootCorrection2;
  private final float eps;

  private SimdLamb(LambConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    this.param = param.data();
    this.grad = grad.data();
    this.m = m.data();
    this.v = v.data();
    this.decay = c.weightDecay() != 0;
    this.weightDecay = (float) c.weightDecay();
    this.beta1 = (float) c.beta1();
    this.oneMinusBeta1 = (float) (1 - c.beta1());
    this.beta2 = (float) c.beta2();
    this.oneMinusBeta2 = (float) (1 - c.beta2());
    this.inverseCorrection1 = (float) (1 / (1 - Math.pow(c.beta1(), step)));
    this.inverseRootCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(c.beta2(), step)));
    this.eps = (float) c.eps();
  }

  static void update(LambConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    SimdLamb lamb = new SimdLamb(c, step, param, grad, m, v);
    int n = param.size();
    double[] squares = OptimizerBlocks.sums(n, 2, lamb::momentsAndSquares);
    double trust = squares[0] == 0 || squares[1] == 0
        ? 1 : Math.sqrt(squares[0]) / Math.sqrt(squares[1]);
    float scale = (float) (-c.lr() * trust);
    OptimizerBlocks.forEachRange(n, (from, to) -> lamb.apply(from, to, scale));
  }

  /** Pass 1 over one block: new moments stored, {@code sum p*p} and {@code sum u*u} returned. */
  private void momentsAndSquares(int from, int to, double[] out, int at) {
    MemorySegment p = param;
    MemorySegment g = grad;
    MemorySegment ms = m;
    MemorySegment vs = v;
    float b1 = beta1;
    float c1 = oneMinusBeta1;
    float b2 = beta2;
    float c2 = oneMinusBeta2;
    FloatVector b1V = FloatVector.broadcast(FLOAT, b1);
    FloatVector b2V = FloatVector.broadcast(FLOAT, b2);
    DoubleVector pLow = DoubleVector.zero(DOUBLE);
    DoubleVector pHigh = DoubleVector.zero(DOUBLE);
    DoubleVector uLow = DoubleVector.zero(DOUBLE);
    DoubleVector uHigh = DoubleVector.zero(DOUBLE);
    int i = from;
    for (int bound = from + FLOAT.loopBound(to - from); i < bound; i += LANES) {
      FloatVector gv = load(g, i);
      FloatVector mv = flushed(load(ms, i).fma(b1V, gv.mul(c1)));
      FloatVector vv = flushed(load(vs, i).fma(b2V, gv.mul(c2).mul(gv)));
      store(mv, ms, i);
      store(vv, vs, i);
      FloatVector pv = load(p, i);
      FloatVector uv = direction(pv, mv, vv);
      pLow = addLowSquares(pv, pLow);
      pHigh = addHighSquares(pv, pHigh);
      uLow = addLowSquares(uv, uLow);
      uHigh = addHighSquares(uv, uHigh);
    }
    double paramSquares = sumLanes(pLow) + sumLanes(pHigh);
    double updateSquares = sumLanes(uLow) + sumLanes(uHigh);
    for (; i < to; i++) {
      float gi = get(g, i);
      float mi = flushed(Math.fma(get(ms, i), b1, gi * c1));
      float vi = flushed(Math.fma(get(vs, i), b2, gi * c2 * gi));
      set(ms, i, mi);
      set(vs, i, vi);
      float pi = get(p, i);
      double ui = direction(pi, mi, vi);
      paramSquares += (double) pi * pi;
      updateSquares += ui * ui;
    }
    out[at] = paramSquares;
    out[at + 1] = updateSquares;
  }

  /** Pass 2 over {@code [from, to)}: {@code p += scale * u}, with {@code scale = -lr * trust}. */
  private void apply(int from, int to, float scale) {
    MemorySegment p = param;
    MemorySegment ms = m;
    MemorySegment vs = v;
    FloatVector scaleV = FloatVector.broadcast(FLOAT, scale);
    int i = from;
    for (int bound = from + FLOAT.loopBound(to - from); i < bound; i += LANES) {
      FloatVector pv = load(p, i);
      store(direction(pv, load(ms, i), load(vs, i)).fma(scaleV, pv), p, i);
    }
    for (; i < to; i++) {
      float pi = get(p, i);
      set(p, i, Math.fma(direction(pi, get(ms, i), get(vs, i)), scale, pi));
    }
  }

  /** {@code u = m_hat / (sqrt(v_hat) + eps) + weightDecay * p}, lane-wise. */
  private FloatVector direction(FloatVector p, FloatVector m, FloatVector v) {
    FloatVector u = m.mul(inverseCorrection1).div(v.sqrt().fma(inverseRootCorrection2, eps));
    return decay ? p.fma(FloatVector.broadcast(FLOAT, weightDecay), u) : u;
  }

  /** The same float operations as the vector {@link #direction}, for the tail. */
  private float direction(float p, float m, float v) {
    float u = m * inverseCorrection1 / Math.fma((float) Math.sqrt(v), inverseRootCorrection2, eps);
    return decay ? Math.fma(p, weightDecay, u) : u;
  }
}
