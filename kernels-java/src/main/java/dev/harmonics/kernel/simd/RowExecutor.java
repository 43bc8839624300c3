package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;

/**
 * Runs a body over every inner row of a {@link BroadcastPlan}, split over the {@link KernelPool}
 * when the work is large: by rows when there are enough of them, otherwise by pieces of each row.
 * Writes must go only to the output operand's row, so pieces never overlap.
 */
final class RowExecutor {

  /** Elements per task below which splitting costs more than it saves. */
  static final int GRAIN = 1 << 15;

  /** One piece of one row. */
  @FunctionalInterface
  interface RowBody {
    /**
     * Handles elements [from, to) of the row whose operands start at element {@code offsets[k]}.
     */
    void row(long[] offsets, int from, int to);
  }

  private RowExecutor() {}

  static void run(BroadcastPlan plan, boolean threads, RowBody body) {
    int inner = plan.inner();
    long rows = plan.rows();
    long total = rows * inner;
    int parallelism = KernelPool.shared().parallelism();
    if (!threads || total <= GRAIN || parallelism == 1) {
      rows(plan, 0, rows, inner, body);
    } else if (rows >= parallelism) {
      int grain = (int) Math.max(1, GRAIN / Math.max(1, inner));
      KernelPool.shared().parallelFor((int) rows, grain,
          (r0, r1) -> rows(plan, r0, r1, inner, body));
    } else {
      int pieces = (int) Math.min((total + GRAIN - 1) / GRAIN, (parallelism + rows - 1) / rows);
      KernelPool.shared().parallelFor((int) rows * pieces, 1, (t0, t1) -> {
        BroadcastPlan.Cursor cursor = BroadcastPlan.Cursor.outer(plan);
        for (int t = t0; t < t1; t++) {
          cursor.seek(t / pieces);
          int piece = t % pieces;
          body.row(cursor.offsets, (int) ((long) inner * piece / pieces),
              (int) ((long) inner * (piece + 1) / pieces));
        }
      });
    }
  }

  private static void rows(BroadcastPlan plan, long from, long to, int inner, RowBody body) {
    BroadcastPlan.Cursor cursor = BroadcastPlan.Cursor.outer(plan);
    cursor.seek(from);
    for (long r = from; r < to; r++) {
      body.row(cursor.offsets, 0, inner);
      cursor.next();
    }
  }
}
