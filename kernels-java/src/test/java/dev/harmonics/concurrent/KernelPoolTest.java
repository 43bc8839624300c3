package dev.harmonics.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelPool#runsInline} must agree with what {@link KernelPool#parallelFor} does, since the
 * small-input paths of the kernels rely on it to call their body directly in its place; and the
 * pool threads' hand-off must cover every iteration once, whoever calls, whatever a body throws.
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

  @Test
  void everyIterationRunsOnceAcrossManyLoopsAndSizes() {
    KernelPool.setParallelism(3);
    for (int count = 1; count <= 200; count += 7) {
      for (int repeat = 0; repeat < 20; repeat++) {
        assertCoveredOnce(KernelPool.shared(), count, 1 + repeat % 4);
      }
    }
  }

  @Test
  void loopsFromSeveralThreadsAtOnceEachCoverTheirIterations() throws Exception {
    KernelPool.setParallelism(2);
    KernelPool pool = KernelPool.shared();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(callers.submit(() -> {
          for (int i = 0; i < 2000; i++) {
            assertCoveredOnce(pool, 1 + i % 97, 1);
          }
        }));
      }
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aLoopInsideABodyRunsOnItsCaller() {
    KernelPool.setParallelism(2);
    KernelPool pool = KernelPool.shared();
    AtomicIntegerArray hits = new AtomicIntegerArray(2 * 50);
    pool.parallelFor(2, 1, (outerFrom, outerTo) -> {
      Thread outer = Thread.currentThread();
      pool.parallelFor(50, 1, (from, to) -> {
        assertSame(outer, Thread.currentThread());
        for (int i = from; i < to; i++) {
          hits.incrementAndGet(outerFrom * 50 + i);
        }
      });
    });
    for (int i = 0; i < hits.length(); i++) {
      assertEquals(1, hits.get(i), "iteration " + i);
    }
  }

  @Test
  void aWorkersExceptionReachesTheCallerAfterEveryChunkHasFinished() {
    KernelPool.setParallelism(2);
    KernelPool pool = KernelPool.shared();
    Thread caller = Thread.currentThread();
    CountDownLatch workerThrew = new CountDownLatch(1);
    boolean[] callerChunkFinished = {false};
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> pool.parallelFor(2, 1, (from, to) -> {
          if (Thread.currentThread() != caller) {
            workerThrew.countDown();
            throw new IllegalStateException("chunk " + from);
          }
          awaitQuietly(workerThrew);
          callerChunkFinished[0] = true;
        }));
    assertEquals("chunk 1", thrown.getMessage());
    assertTrue(callerChunkFinished[0]);
    assertCoveredOnce(pool, 64, 1);
  }

  @Test
  void theCallersExceptionWaitsForTheWorkersChunks() {
    KernelPool.setParallelism(2);
    KernelPool pool = KernelPool.shared();
    Thread caller = Thread.currentThread();
    boolean[] workerChunkFinished = {false};
    assertThrows(ArithmeticException.class, () -> pool.parallelFor(2, 1, (from, to) -> {
      if (Thread.currentThread() == caller) {
        throw new ArithmeticException("caller's chunk");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workerChunkFinished[0] = true;
    }));
    assertTrue(workerChunkFinished[0], "parallelFor returned while a worker still ran");
  }

  @Test
  void resizingStopsTheOldThreadsEvenFromInsideALoop() throws InterruptedException {
    KernelPool.setParallelism(3);
    Set<Thread> before = kernelThreads();
    assertTrue(before.size() >= 2, "pool threads of a parallelism of 3: " + before);
    KernelPool.shared().parallelFor(3, 1, (from, to) -> {
      if (from == 0) {
        KernelPool.setParallelism(1);
      }
    });
    for (Thread thread : before) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      assertFalse(thread.isAlive(), thread.getName() + " still runs");
    }
    assertEquals(1, KernelPool.shared().parallelism());
    assertCoveredOnce(KernelPool.shared(), 10, 1);
  }

  @Test
  void aBadSpinSettingIsRefusedByName() {
    KernelPool.setParallelism(1);
    String key = "harmonics.pool.spinMicros";
    String old = System.getProperty(key);
    System.setProperty(key, "-5");
    try {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> KernelPool.setParallelism(2));
      assertTrue(error.getMessage().contains(key + "=-5"), error.getMessage());
      assertEquals(1, KernelPool.shared().parallelism());
    } finally {
      if (old == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, old);
      }
    }
  }

  private static void assertCoveredOnce(KernelPool pool, int count, int grain) {
    int[] hits = new int[count];
    pool.parallelFor(count, grain, (from, to) -> {
      for (int i = from; i < to; i++) {
        hits[i]++;
      }
    });
    int[] once = new int[count];
    Arrays.fill(once, 1);
    assertArrayEquals(once, hits, "count " + count + ", grain " + grain);
  }

  private static Set<Thread> kernelThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("harmonics-kernel-") && t.isAlive())
        .collect(Collectors.toSet());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
