package dev.harmonics.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Timed bursts of calls for the interleaved harnesses (a plain main class beside the JMH
 * benchmarks that alternates ours and a reference in one JVM, so that both see the same load).
 */
public final class Bursts {

  /**
   * Pause after each burst when several threads run: OpenBLAS's worker threads keep spinning for
   * about 0.1 s after a call returns, and in the next burst they took a core from ours (two
   * threads, 512³: 195 GFLOP/s in alternation against 226 alone).
   */
  private static final long SETTLE_MILLIS = 300;

  /** Column heads of {@link #printRow}, after the row label. */
  private static final String HEADS = "%9s %9s %7s %12s %12s %7s%n";

  private Bursts() {}

  /**
   * The leading arguments every interleaved harness takes: {@code threads rounds burstMillis}.
   *
   * @param oneThread whether CPU time is the calling thread's (one thread) or the process's
   */
  public record Settings(int threads, int rounds, long burstNanos, boolean oneThread) {

    /** Reads the first three of {@code args}, which must hold at least {@code minArgs}. */
    public static Settings parse(String[] args, int minArgs, String usage) {
      if (args.length < minArgs) {
        throw new IllegalArgumentException(args.length + " argument(s); " + usage);
      }
      int threads = Integer.parseInt(args[0]);
      int rounds = Integer.parseInt(args[1]);
      long burstNanos = Long.parseLong(args[2]) * 1_000_000L;
      if (threads < 1 || rounds < 1 || burstNanos < 1) {
        throw new IllegalArgumentException(
            String.join(" ", args) + ": threads, rounds and burst must be >= 1; " + usage);
      }
      return new Settings(threads, rounds, burstNanos, threads == 1);
    }
  }

  /**
   * Alternates bursts of {@code ours} and {@code reference} for {@code settings.rounds()} rounds;
   * returns the medians of {ours, reference, ours / reference} by wall clock, then the same per
   * CPU-second. Each ratio is taken within its round, so both sides saw the same load.
   */
  public static double[] compare(Runnable ours, Runnable reference, double workPerCall,
      Settings settings) {
    int rounds = settings.rounds();
    double[][] rates = new double[6][rounds];
    for (int r = 0; r < rounds; r++) {
      double[] mine = rates(ours, workPerCall, settings.burstNanos(), settings.oneThread());
      settle(settings);
      double[] theirs = rates(reference, workPerCall, settings.burstNanos(), settings.oneThread());
      settle(settings);
      for (int clock = 0; clock < 2; clock++) {
        rates[3 * clock][r] = mine[clock];
        rates[3 * clock + 1][r] = theirs[clock];
        rates[3 * clock + 2][r] = mine[clock] / theirs[clock];
      }
    }
    double[] medians = new double[rates.length];
    for (int i = 0; i < rates.length; i++) {
      medians[i] = median(rates[i]);
    }
    return medians;
  }

  private static void settle(Settings settings) {
    if (settings.oneThread()) {
      return;
    }
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted between bursts", e);
    }
  }

  /** Prints the column heads of a comparison whose reference is called {@code reference}. */
  public static void printHeads(String label, int labelWidth, String reference) {
    System.out.printf(Locale.ROOT, "%-" + labelWidth + "s " + HEADS, label, "ours", reference,
        "ratio", "ours/CPU-s", reference + "/CPU-s", "ratio");
  }

  /** Prints one row of {@link #compare}'s medians. */
  public static void printRow(String label, int labelWidth, double[] medians) {
    System.out.printf(Locale.ROOT, "%-" + labelWidth + "s %9.1f %9.1f %7.2f %12.1f %12.1f %7.2f%n",
        label, medians[0], medians[1], medians[2], medians[3], medians[4], medians[5]);
  }

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
