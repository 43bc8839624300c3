package dev.harmonics.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The shared worker pool every multithreaded kernel runs on.
 *
 * <p>Its size is the user's choice: the {@code harmonics.threads} system property at start-up, or
 * {@link #setParallelism(int)} at any time (for example 1 inside a Spark task that already owns one
 * core). The calling thread always does one share of the work itself, so a parallelism of {@code p}
 * keeps {@code p - 1} pool threads.
 */
public final class KernelPool {

  /** A slice {@code [from, to)} of a parallel loop. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private static volatile KernelPool shared = new KernelPool(defaultParallelism());

  private final int parallelism;
  private final ForkJoinPool workers;

  private KernelPool(int parallelism) {
    this.parallelism = parallelism;
    this.workers = parallelism > 1 ? new ForkJoinPool(parallelism - 1) : null;
  }

  public static KernelPool shared() {
    return shared;
  }

  /** Replaces the shared pool with one of {@code threads} threads (including the caller's). */
  public static synchronized void setParallelism(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads : " + threads + " (expected: >= 1)");
    }
    KernelPool old = shared;
    if (old.parallelism != threads) {
      shared = new KernelPool(threads);
      if (old.workers != null) {
        old.workers.shutdown();
      }
    }
  }

  public int parallelism() {
    return parallelism;
  }

  /**
   * Runs {@code body} over {@code [0, count)} split into contiguous chunks of at least {@code
   * grain} iterations, one per thread at most. Small loops run inline on the caller.
   */
  public void parallelFor(int count, int grain, RangeBody body) {
    if (count <= 0) {
      return;
    }
    int chunks = chunks(count, grain);
    if (chunks == 1 || workers == null || ForkJoinTask.inForkJoinPool()) {
      body.run(0, count);
      return;
    }
    List<ForkJoinTask<?>> forked = new ArrayList<>(chunks - 1);
    for (int c = 1; c < chunks; c++) {
      int from = (int) ((long) count * c / chunks);
      int to = (int) ((long) count * (c + 1) / chunks);
      forked.add(workers.submit(() -> body.run(from, to)));
    }
    body.run(0, (int) ((long) count / chunks));
    for (ForkJoinTask<?> task : forked) {
      task.join();
    }
  }

  /**
   * Whether {@link #parallelFor} would run a loop of {@code count} iterations with this {@code
   * grain} on the caller alone. Small-input paths test it to call their body directly, which spares
   * them the capturing lambda (an allocation per call) that {@code parallelFor} needs.
   */
  public boolean runsInline(int count, int grain) {
    return count <= 0 || chunks(count, grain) == 1 || workers == null
        || ForkJoinTask.inForkJoinPool();
  }

  private int chunks(int count, int grain) {
    return Math.min(parallelism, Math.max(1, count / Math.max(1, grain)));
  }

  private static int defaultParallelism() {
    String configured = System.getProperty("harmonics.threads");
    if (configured == null || configured.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int threads = Integer.parseInt(configured.trim());
      if (threads >= 1) {
        return threads;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the value that was given
    }
    throw new IllegalArgumentException(
        "harmonics.threads=" + configured + " (expected: a whole number >= 1)");
  }
}
