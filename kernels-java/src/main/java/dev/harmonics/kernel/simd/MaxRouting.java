package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The max backward: routes each output's gradient to the first element of its slice, in row-major
 * order, that equals the forward max (NaN matching NaN). dx must already be zero. Operand 0 of the
 * plan is the output (y and dy), operand 1 the input (x and dx).
 *
 * <p>When the last dimension is reduced the search runs along contiguous runs with vector
 * compares; when it is kept (for example a max over the batch of [N, C]) each column is searched
 * down its rows.
 */
final class MaxRouting {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
  private static final int GRAIN = 1 << 15;

  private final BroadcastPlan plan;
  private final int[] keptDims;
  private final int[] reducedDims;
  private final long outputs;
  private final long reducedRows;
  private final int inner;
  private final MemorySegment xs;
  private final long xo;
  private final MemorySegment ys;
  private final long yo;
  private final MemorySegment gs;
  private final long go;
  private final MemorySegment ds;
  private final long dO;

  MaxRouting(BroadcastPlan plan, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    this.plan = plan;
    this.keptDims = plan.outerDims(0, true);
    this.reducedDims = plan.outerDims(0, false);
    this.outputs = plan.count(keptDims);
    this.reducedRows = plan.count(reducedDims);
    this.inner = plan.inner();
    this.xs = x.storage();
    this.xo = x.byteOffset();
    this.ys = y.storage();
    this.yo = y.byteOffset();
    this.gs = dy.storage();
    this.go = dy.byteOffset();
    this.ds = dx.storage();
    this.dO = dx.byteOffset();
  }

  void run(boolean threads) {
    boolean vertical = plan.innerStride(0) != 0;
    long tasks = vertical ? outputs * inner : outputs;
    long perTask = vertical ? reducedRows : reducedRows * inner;
    int grain = (int) Math.max(1, GRAIN / Math.max(1, perTask));
    if (!threads || tasks * perTask <= GRAIN) {
      route(vertical, 0, (int) tasks);
    } else {
      KernelPool.shared().parallelFor((int) tasks, grain, (t0, t1) -> route(vertical, t0, t1));
    }
  }

  /** Tasks are outputs (horizontal) or output columns (vertical). */
  private void route(boolean vertical, int from, int to) {
    BroadcastPlan.Cursor kept = new BroadcastPlan.Cursor(plan, keptDims);
    BroadcastPlan.Cursor reduced = new BroadcastPlan.Cursor(plan, reducedDims);
    for (int t = from; t < to; t++) {
      int column = vertical ? t % inner : 0;
      kept.seek(vertical ? t / inner : t);
      long out = kept.offsets[0] + column;
      float max = ys.get(F, yo + 4L * out);
      reduced.seek(0);
      for (long r = 0; r < reducedRows; r++) {
        long start = kept.offsets[1] + reduced.offsets[1];
        long hit = vertical ? matchAt(start + column, max) : firstMatch(start, max);
        if (hit >= 0) {
          ds.set(F, dO + 4L * hit, gs.get(F, go + 4L * out));
          break;
        }
        reduced.next();
      }
    }
  }

  private long matchAt(long element, float max) {
    float v = xs.get(F, xo + 4L * element);
    return v == max || (v != v && max != max) ? element : -1;
  }

  /** The first element of the run of {@code inner} at {@code start} equal to max, or -1. */
  private long firstMatch(long start, float max) {
    int i = max != max ? firstNaN(start) : firstEqual(start, max);
    for (; i < inner; i++) {
      if (matchAt(start + i, max) >= 0) {
        return start + i;
      }
    }
    return -1;
  }

  /** Index in the run of the first element equal to max, or where the vector part ends. */
  private int firstEqual(long start, float max) {
    int i = 0;
    for (int bound = S.loopBound(inner); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * (start + i), ORDER);
      VectorMask<Float> hit = v.compare(VectorOperators.EQ, max);
      if (hit.anyTrue()) {
        return i + hit.firstTrue();
      }
    }
    return i;
  }

  /** Index in the run of the first NaN, or where the vector part ends. */
  private int firstNaN(long start) {
    int i = 0;
    for (int bound = S.loopBound(inner); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * (start + i), ORDER);
      VectorMask<Float> hit = v.compare(VectorOperators.NE, v);
      if (hit.anyTrue()) {
        return i + hit.firstTrue();
      }
    }
    return i;
  }
}
