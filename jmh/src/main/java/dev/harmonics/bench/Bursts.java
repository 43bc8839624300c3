package dev.harmonics.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Timed bursts of calls for the interleaved harnesses (a plain main class beside the JMH
 * benchmarks that alternates ours and a reference in one JVM, so that both see the same load).
 */
public final class Bursts {

  private Bursts() {}

  /**
   * Calls {@code call} for about {@code nanos} and returns {work per wall-clock nanosecond, work
   * per CPU nanosecond}. CPU time is the calling thread's when {@code oneThread}, else the whole
   * process's (pool threads included, counted in coarser ticks).
   */
  public static double[] rates(Runnable call, double workPerCall, long nanos, boolean oneThread) {
    ThreadMXBean thread = ManagementFactory.getThreadMXBean();
    var process = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = oneThread ? thread.getCurrentThreadCpuTime() : process.getProcessCpuTime();
    long calls = 0;
    long t0 = System.nanoTime();
    long t;
    do {
      call.run();
      calls++;
      t = System.nanoTime();
    } while (t - t0 < nanos);
    long cpu1 = oneThread ? thread.getCurrentThreadCpuTime() : process.getProcessCpuTime();
    double total = calls * workPerCall;
    return new double[] {total / (t - t0), total / Math.max(1, cpu1 - cpu0)};
  }

  /** Calls every one of {@code calls} in turn until {@code nanos} have passed. */
  public static void warmUp(long nanos, Runnable... calls) {
    for (long t0 = System.nanoTime(); System.nanoTime() - t0 < nanos; ) {
      for (Runnable call : calls) {
        call.run();
      }
    }
  }

  /** The median (the mean of the middle two for an even count). */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
