package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.OptimizerVectors.FLOAT;
import static dev.harmonics.kernel.simd.OptimizerVectors.LANES;
import static dev.harmonics.kernel.simd.OptimizerVectors.flushed;
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
 *
 * <p>As in {@link SimdAdam}, tensors are passed as storage and byte offset and the loops cut their
 * own exact slices (see the package documentation; a {@code data()} slice per tensor, made before
 * the hand-off, cost a 64-element update 168 bytes), and a small input runs on the caller through
 * {@link #run}, which only hands the fields to a static loop, so escape analysis removes the object
 * and the call allocates nothing.
 */
final class SimdSgd implements KernelPool.RangeBody {

  private final MemorySegment param;
  private final long paramBase;
  private final MemorySegment grad;
  private final long gradBase;
  private final MemorySegment buffer;
  private final long bufferBase;
  private final boolean firstStep;
  private final boolean nesterov;
  private final boolean decay;
  private final float weightDecay;
  private final float momentum;
  private final float oneMinusDampening;
  private final float negativeLr;

  private SimdSgd(SgdConfig c, long step, Tensor param, Tensor grad, Tensor buffer) {
    this.param = param.storage();
    this.paramBase = param.byteOffset();
    this.grad = grad.storage();
    this.gradBase = grad.byteOffset();
    this.buffer = buffer == null ? null : buffer.storage();
    this.bufferBase = buffer == null ? 0 : buffer.byteOffset();
    this.firstStep = step == 1;
    this.nesterov = c.nesterov();
    this.decay = c.weightDecay() != 0;
    this.weightDecay = (float) c.weightDecay();
    this.momentum = (float) c.momentum();
    this.oneMinusDampening = (float) (1 - c.dampening());
    this.negativeLr = (float) -c.lr();
  }

  static void update(SgdConfig c, long step, Tensor param, Tensor grad, Tensor buffer) {
    int n = param.size();
    if (OptimizerBlocks.runsInline(n)) {
      new SimdSgd(c, step, param, grad, buffer).run(0, n);
    } else {
      OptimizerBlocks.forEachRange(n, new SimdSgd(c, step, param, grad, buffer));
    }
  }

  /** Hands the fields to the static loops as values; small, so that C2 inlines it. */
  @Override
  public void run(int from, int to) {
    if (buffer == null) {
      plain(param, paramBase, grad, gradBase, decay, weightDecay, negativeLr, from, to);
    } else {
      withMomentum(param, paramBase, grad, gradBase, buffer, bufferBase, decay, firstStep,
          nesterov, weightDecay, momentum, oneMinusDampening, negativeLr, from, to);
    }
  }

  private static void plain(MemorySegment p, long pb, MemorySegment g, long gb, boolean decay,
      float wd, float lr, int from, int to) {
    int n = to - from;
    p = p.asSlice(pb + 4L * from, 4L * n);
    g = g.asSlice(gb + 4L * from, 4L * n);
    FloatVector wdV = FloatVector.broadcast(FLOAT, wd);
    FloatVector lrV = FloatVector.broadcast(FLOAT, lr);
    int i = 0;
    for (int bound = FLOAT.loopBound(n); i < bound; i += LANES) {
      FloatVector pv = load(p, i);
      FloatVector gv = load(g, i);
      if (decay) {
        gv = pv.fma(wdV, gv);
      }
      store(gv.fma(lrV, pv), p, i);
    }
    for (; i < n; i++) {
      float pi = get(p, i);
      float gi = get(g, i);
      if (decay) {
        gi = Math.fma(pi, wd, gi);
      }
      set(p, i, Math.fma(gi, lr, pi));
    }
  }

  private static void withMomentum(MemorySegment p, long pb, MemorySegment g, long gb,
      MemorySegment b, long bb, boolean decay, boolean first, boolean nesterov, float wd,
      float mu, float keep, float lr, int from, int to) {
    int n = to - from;
    p = p.asSlice(pb + 4L * from, 4L * n);
    g = g.asSlice(gb + 4L * from, 4L * n);
    b = b.asSlice(bb + 4L * from, 4L * n);
    FloatVector wdV = FloatVector.broadcast(FLOAT, wd);
    FloatVector muV = FloatVector.broadcast(FLOAT, mu);
    FloatVector lrV = FloatVector.broadcast(FLOAT, lr);
    int i = 0;
    for (int bound = FLOAT.loopBound(n); i < bound; i += LANES) {
      FloatVector pv = load(p, i);
      FloatVector gv = load(g, i);
      if (decay) {
        gv = pv.fma(wdV, gv);
      }
      FloatVector bv = flushed(first ? gv : load(b, i).fma(muV, gv.mul(keep)));
      store(bv, b, i);
      FloatVector direction = nesterov ? bv.fma(muV, gv) : bv;
      store(direction.fma(lrV, pv), p, i);
    }
    for (; i < n; i++) {
      float pi = get(p, i);
      float gi = get(g, i);
      if (decay) {
        gi = Math.fma(pi, wd, gi);
      }
      float bi = flushed(first ? gi : Math.fma(get(b, i), mu, gi * keep));
      set(b, i, bi);
      float direction = nesterov ? Math.fma(bi, mu, gi) : bi;
      set(p, i, Math.fma(direction, lr, pi));
    }
  }
}
