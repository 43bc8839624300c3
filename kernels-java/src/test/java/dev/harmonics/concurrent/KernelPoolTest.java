package dev.harmonics.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelPool#runsInline} must agree with what {@link KernelPool#parallelFor} does, since the
 * small-input paths of the kernels rely on it to call their body directly in its place.
 */
class KernelPoolTest {

  private final int original = KernelPool.shared().parallelism();

  @AfterEach
  void restore() {
    KernelPool.setParallelism(original);
  }

  @Test
  void runsInlineIsTrueExactlyWhenParallelForKeepsTheLoopOnTheCaller() {
    KernelPool.setParallelism(3);
    KernelPool pool = KernelPool.shared();
    int[][] loops = {{0, 1}, {1, 1}, {5, 10}, {19, 10}, {20, 10}, {100, 10}, {7, 1}, {64, 1 << 15}};
    for (int[] loop : loops) {
      int count = loop[0];
      int grain = loop[1];
      Thread caller = Thread.currentThread();
      List<int[]> ranges = new ArrayList<>();
      boolean[] elsewhere = {false};
      pool.parallelFor(count, grain, (from, to) -> {
        synchronized (ranges) {
          ranges.add(new int[] {from, to});
          elsewhere[0] |= Thread.currentThread() != caller;
        }
      });
      boolean inline = count <= 0 || (ranges.size() == 1 && !elsewhere[0]);
      assertEquals(inline, pool.runsInline(count, grain), "count " + count + ", grain " + grain);
    }
  }

  @Test
  void oneThreadAlwaysRunsInline() {
    KernelPool.setParallelism(1);
    assertEquals(true, KernelPool.shared().runsInline(1 << 20, 1));
  }
}
