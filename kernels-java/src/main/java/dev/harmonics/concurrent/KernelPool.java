package dev.harmonics.concurrent;

/**
 * The shared worker pool every multithreaded kernel runs on.
 *
 * <p>Its size is the user's choice: the {@code harmonics.threads} system property at start-up, or
 * {@link #setParallelism(int)} at any time (for example 1 inside a Spark task that already owns one
 * core). The calling thread always does one share of the work itself, so a parallelism of {@code p}
 * keeps {@code p - 1} pool threads.
 *
 * <p>Idle pool threads spin for {@code harmonics.pool.spinMicros} microseconds (default {@value
 * #DEFAULT_SPIN_MICROS}) before they park, so that back-to-back kernel calls find them awake; 0
 * parks them at once, for machines where those cores are wanted by other work. One loop at a time
 * runs on the pool threads: a loop started while another holds them (from a second thread, or
 * from inside a loop's body) runs on its caller alone.
 */
public final class KernelPool {

  /** A slice {@code [from, to)} of a parallel loop. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /** Default spin of an idle pool thread before it parks, in microseconds. */
  public static final int DEFAULT_SPIN_MICROS = 100;

  private static volatile KernelPool shared = new KernelPool(defaultParallelism());

  private final int parallelism;
  private final WorkerCrew workers;

  private KernelPool(int parallelism) {
    this.parallelism = parallelism;
    this.workers = parallelism > 1
        ? new WorkerCrew(parallelism - 1, spinMicros() * 1000L) : null;
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
    if (chunks == 1 || workers == null || !workers.tryRun(count, chunks, body)) {
      body.run(0, count);
    }
  }

  /**
   * Whether {@link #parallelFor} will run a loop of {@code count} iterations with this {@code
   * grain} on the caller alone whatever else is running. Small-input paths test it to call their
   * body directly, which spares them the capturing lambda (an allocation per call) that {@code
   * parallelFor} needs.
   */
  public boolean runsInline(int count, int grain) {
    return count <= 0 || chunks(count, grain) == 1 || workers == null;
  }

  private int chunks(int count, int grain) {
    return Math.min(parallelism, Math.max(1, count / Math.max(1, grain)));
  }

  private static int defaultParallelism() {
    return intProperty("harmonics.threads", Runtime.getRuntime().availableProcessors(), 1);
  }

  private static int spinMicros() {
    return intProperty("harmonics.pool.spinMicros", DEFAULT_SPIN_MICROS, 0);
  }

  private static int intProperty(String name, int unset, int min) {
    String configured = System.getProperty(name);
    if (configured == null || configured.isBlank()) {
      return unset;
    }
    try {
      int value = Integer.parseInt(configured.trim());
      if (value >= min) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the value that was given
    }
    throw new IllegalArgumentException(
        name + "=" + configured + " (expected: a whole number >= " + min + ")");
  }
}
