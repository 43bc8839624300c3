package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Broadcasting;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Sums and maxima of x over some of its dimensions, written to a target that has stride 0 along
 * the reduced ones: the reductions of {@link SimdReduction}, and the gradients of broadcast
 * operands in {@link SimdElementwise} (sums of dy, optionally times or divided by the other
 * operand).
 *
 * <p>After {@link BroadcastPlan} has merged dimensions, two layouts remain. When the last
 * dimension is reduced ("horizontal", for example a sum over the last axes or over everything),
 * each output sums contiguous runs; outputs are split over threads, and when there are fewer
 * outputs than threads each one is split into pieces whose partial results are combined in a fixed
 * order. When the last dimension is kept ("vertical", for example a bias gradient summing [N, C]
 * over N), each output row accumulates whole input rows, in float for {@link #ROW_BLOCK} rows at a
 * time and in double across blocks; rows are split into column chunks for threads.
 */
final class SimdReducer {

  /** What is reduced. */
  enum Kind {
    SUM,
    /** Sum of x * m. */
    SUM_OF_PRODUCTS,
    /** Sum of x / m. */
    SUM_OF_QUOTIENTS,
    MAX
  }

  /** Input elements per task below which splitting costs more than it saves. */
  static final int GRAIN = 1 << 15;
  /** Width of a vertical task: its float and double accumulators stay in L1. */
  private static final int COLUMNS = 1024;
  /** Input rows accumulated in float before folding into double. */
  private static final int ROW_BLOCK = 256;
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  private final Kind kind;
  private final BroadcastPlan plan;
  private final int[] keptDims;
  private final int[] reducedDims;
  private final long outputs;
  private final long reducedRows;
  private final int inner;
  private final MemorySegment xs;
  private final long xo;
  private final MemorySegment ms;
  private final long mo;
  private final MemorySegment os;
  private final long oo;
  private final double divisor;

  private SimdReducer(Kind kind, BroadcastPlan plan, Tensor x, Tensor m, Tensor out,
      double divisor) {
    this.kind = kind;
    this.plan = plan;
    this.keptDims = plan.outerDims(0, true);
    this.reducedDims = plan.outerDims(0, false);
    this.outputs = plan.count(keptDims);
    this.reducedRows = plan.count(reducedDims);
    this.inner = plan.inner();
    this.xs = x.storage();
    this.xo = x.byteOffset();
    this.ms = m == null ? null : m.storage();
    this.mo = m == null ? 0 : m.byteOffset();
    this.os = out.storage();
    this.oo = out.byteOffset();
    this.divisor = divisor;
  }

  /**
   * Reduces x (contiguous, of {@code shape}) into out, whose element strides over {@code shape}
   * are {@code outStrides} (0 along reduced dimensions); sums are divided by {@code divisor}.
   * {@code m} (strides {@code mStrides} over {@code shape}) is the second operand of
   * SUM_OF_PRODUCTS and SUM_OF_QUOTIENTS, null otherwise.
   */
  static void run(Kind kind, int[] shape, Tensor x, Tensor m, long[] mStrides, Tensor out,
      long[] outStrides, double divisor) {
    long[] xStrides = Broadcasting.strides(shape, shape);
    BroadcastPlan plan = m == null
        ? BroadcastPlan.of(shape, outStrides, xStrides)
        : BroadcastPlan.of(shape, outStrides, xStrides, mStrides);
    boolean threads =
        PointwiseThreads.shareable(x, out) && (m == null || PointwiseThreads.shareable(m));
    SimdReducer reducer = new SimdReducer(kind, plan, x, m, out, divisor);
    if (plan.innerStride(0) == 0) {
      reducer.horizontal(threads);
    } else {
      reducer.vertical(threads);
    }
  }

  private int parallelism(boolean threads) {
    long work = outputs * reducedRows * inner;
    return threads && work > GRAIN ? KernelPool.shared().parallelism() : 1;
  }

  private void horizontal(boolean threads) {
    int parallelism = parallelism(threads);
    if (outputs >= parallelism) {
      long perOutput = Math.max(1, reducedRows * inner);
      int grain = (int) Math.max(1, GRAIN / perOutput);
      if (parallelism == 1) {
        horizontalOutputs(0, (int) outputs);
      } else {
        KernelPool.shared().parallelFor((int) outputs, grain, this::horizontalOutputs);
      }
      return;
    }
    int pieces = (int) ((parallelism + outputs - 1) / outputs);
    boolean splitRows = reducedRows >= pieces;
    double[] partial = new double[(int) outputs * pieces];
    KernelPool.shared().parallelFor((int) outputs * pieces, 1, (t0, t1) -> {
      BroadcastPlan.Cursor kept = new BroadcastPlan.Cursor(plan, keptDims);
      BroadcastPlan.Cursor reduced = new BroadcastPlan.Cursor(plan, reducedDims);
      for (int t = t0; t < t1; t++) {
        int piece = t % pieces;
        kept.seek(t / pieces);
        if (splitRows) {
          partial[t] = reduceRuns(kept.offsets, reduced, reducedRows * piece / pieces,
              reducedRows * (piece + 1) / pieces, 0, inner);
        } else {
          partial[t] = reduceRuns(kept.offsets, reduced, 0, reducedRows,
              (int) ((long) inner * piece / pieces), (int) ((long) inner * (piece + 1) / pieces));
        }
      }
    });
    BroadcastPlan.Cursor kept = new BroadcastPlan.Cursor(plan, keptDims);
    for (int o = 0; o < outputs; o++) {
      double value = partial[o * pieces];
      for (int p = 1; p < pieces; p++) {
        value = combine(value, partial[o * pieces + p]);
      }
      kept.seek(o);
      store(kept.offsets[0], value);
    }
  }

  private void horizontalOutputs(int from, int to) {
    BroadcastPlan.Cursor kept = new BroadcastPlan.Cursor(plan, keptDims);
    BroadcastPlan.Cursor reduced = new BroadcastPlan.Cursor(plan, reducedDims);
    kept.seek(from);
    for (int o = from; o < to; o++) {
      store(kept.offsets[0], reduceRuns(kept.offsets, reduced, 0, reducedRows, 0, inner));
      kept.next();
    }
  }

  /** Reduces elements [i0, i1) of runs r0..r1-1 of the output at {@code keptOffsets}. */
  private double reduceRuns(long[] keptOffsets, BroadcastPlan.Cursor reduced, long r0, long r1,
      int i0, int i1) {
    double value = kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
    int n = i1 - i0;
    if (n <= 0) {
      return value;
    }
    int mStride = ms == null ? 0 : plan.innerStride(2);
    reduced.seek(r0);
    for (long r = r0; r < r1; r++) {
      long x = xo + 4L * (keptOffsets[1] + reduced.offsets[1] + i0);
      long m = ms == null ? 0
          : mo + 4L * (keptOffsets[2] + reduced.offsets[2] + (long) i0 * mStride);
      value = switch (kind) {
        case SUM -> value + ReductionRows.sum(xs, x, n);
        case SUM_OF_PRODUCTS -> value + (mStride == 1
            ? ReductionRows.sumOfProducts(xs, x, ms, m, n)
            : ReductionRows.sum(xs, x, n) * ms.get(F, m));
        case SUM_OF_QUOTIENTS -> value + (mStride == 1
            ? ReductionRows.sumOfQuotients(xs, x, ms, m, n)
            : ReductionRows.sum(xs, x, n) / ms.get(F, m));
        case MAX -> Math.max(value, ReductionRows.max(xs, x, n));
      };
      reduced.next();
    }
    return value;
  }

  private void vertical(boolean threads) {
    int chunks = (inner + COLUMNS - 1) / COLUMNS;
    long tasks = outputs * chunks;
    if (parallelism(threads) == 1 || tasks == 1) {
      verticalTasks(chunks, 0, (int) tasks);
    } else {
      int grain = (int) Math.max(1, GRAIN / Math.max(1, reducedRows * Math.min(inner, COLUMNS)));
      KernelPool.shared().parallelFor((int) tasks, grain,
          (t0, t1) -> verticalTasks(chunks, t0, t1));
    }
  }

  /** Output row t / chunks, columns of chunk t % chunks, for t in [from, to). */
  private void verticalTasks(int chunks, int from, int to) {
    int width = Math.min(inner, COLUMNS);
    float[] acc = new float[width];
    // Up to ROW_BLOCK rows the float accumulators are the result; beyond, blocks fold into double.
    double[] total = kind == Kind.MAX || reducedRows <= ROW_BLOCK ? null : new double[width];
    BroadcastPlan.Cursor kept = new BroadcastPlan.Cursor(plan, keptDims);
    BroadcastPlan.Cursor reduced = new BroadcastPlan.Cursor(plan, reducedDims);
    int mStride = ms == null ? 0 : plan.innerStride(2);
    for (int t = from; t < to; t++) {
      int c0 = (t % chunks) * COLUMNS;
      int n = Math.min(inner, c0 + COLUMNS) - c0;
      kept.seek(t / chunks);
      Arrays.fill(acc, kind == Kind.MAX ? Float.NEGATIVE_INFINITY : 0f);
      if (total != null) {
        Arrays.fill(total, 0);
      }
      reduced.seek(0);
      for (long r = 0, inBlock = 0; r < reducedRows; r++) {
        long x = xo + 4L * (kept.offsets[1] + reduced.offsets[1] + c0);
        long m = ms == null ? 0
            : mo + 4L * (kept.offsets[2] + reduced.offsets[2] + (long) c0 * mStride);
        switch (kind) {
          case SUM -> ReductionRows.addRow(acc, xs, x, n);
          case SUM_OF_PRODUCTS -> ReductionRows.addRowProducts(acc, xs, x, ms, m, mStride, n);
          case SUM_OF_QUOTIENTS -> ReductionRows.addRowQuotients(acc, xs, x, ms, m, mStride, n);
          case MAX -> ReductionRows.maxRow(acc, xs, x, n);
        }
        if (total != null && ++inBlock == ROW_BLOCK) {
          fold(acc, total, n);
          inBlock = 0;
        }
        reduced.next();
      }
      long target = oo + 4L * (kept.offsets[0] + c0);
      if (total != null) {
        fold(acc, total, n);
        for (int j = 0; j < n; j++) {
          os.set(F, target + 4L * j, (float) (total[j] / divisor));
        }
      } else {
        float scale = kind == Kind.MAX ? 1f : (float) (1 / divisor);
        ReductionRows.storeScaled(acc, n, scale, os, target);
      }
    }
  }

  private static void fold(float[] acc, double[] total, int n) {
    for (int j = 0; j < n; j++) {
      total[j] += acc[j];
      acc[j] = 0;
    }
  }

  private double combine(double a, double b) {
    return kind == Kind.MAX ? Math.max(a, b) : a + b;
  }

  private void store(long target, double value) {
    float result = (float) (kind == Kind.MAX ? value : value / divisor);
    os.set(F, oo + 4L * target, result);
  }
}
