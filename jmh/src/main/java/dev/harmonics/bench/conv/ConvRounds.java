package dev.harmonics.bench.conv;

import dev.harmonics.bench.Bursts;
import dev.harmonics.bench.Work;
import dev.harmonics.concurrent.KernelPool;
import java.util.Locale;

/**
 * Our forward convolution against im2col + OpenBLAS ({@link Im2colOpenBlas}), interleaved in one
 * JVM as {@code GemmRounds} does for GEMM: every round runs a burst of each, and the ratio is taken
 * within the round.
 *
 * <p>Arguments: {@code threads rounds burstMillis layer:batch...}, a layer named as in {@link
 * ConvLayer} (for example {@code RESNET_1X1_64_256_56:1}). Prints per layer the median GFLOP/s of
 * each and the median of the per-round ratios, by wall clock and per CPU-second.
 */
public final class ConvRounds {

  private static final String USAGE = "arguments: threads rounds burstMillis layer:batch..."
      + " (for example 1 7 300 RESNET_1X1_64_256_56:1 FASHION_1_32_28:8)";

  /** Seconds of calls before measuring: C2 needs them to compile the Vector API loops. */
  private static final long WARM_UP_NANOS = 6_000_000_000L;

  private ConvRounds() {}

  /** Runs the rounds; see the class comment for the arguments. */
  public static void main(String[] args) {
    if (args.length < 4) {
      throw new IllegalArgumentException(args.length + " argument(s); " + USAGE);
    }
    int threads = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    long burstNanos = Long.parseLong(args[2]) * 1_000_000L;
    if (threads < 1 || rounds < 1 || burstNanos < 1) {
      throw new IllegalArgumentException(
          String.join(" ", args) + ": threads, rounds and burst must be >= 1; " + USAGE);
    }
    KernelPool.setParallelism(threads);
    System.out.printf(Locale.ROOT, "threads=%d rounds=%d burst=%s ms%n", threads, rounds, args[2]);
    System.out.printf(Locale.ROOT, "%-26s %9s %9s %7s %12s %12s %7s%n", "layer:batch", "ours",
        "im2col", "ratio", "ours/CPU-s", "im2col/CPU-s", "ratio");
    for (int s = 3; s < args.length; s++) {
      String[] parts = args[s].split(":");
      if (parts.length != 2) {
        throw new IllegalArgumentException(args[s] + ": expected layer:batch; " + USAGE);
      }
      int batch = Integer.parseInt(parts[1]);
      double flops = ConvLayer.valueOf(parts[0]).flops(batch);
      Work work = new Work();
      try (ConvRun ours = new ConvRun("simd", parts[0], batch);
          ConvRun baseline = new ConvRun(ConvRun.IM2COL_OPENBLAS, parts[0], batch)) {
        Runnable oursCall = () -> ours.forward(work);
        Runnable baselineCall = () -> baseline.forward(work);
        Bursts.warmUp(WARM_UP_NANOS, oursCall, baselineCall);
        double[][] rates = new double[6][rounds];
        for (int r = 0; r < rounds; r++) {
          double[] mine = Bursts.rates(oursCall, flops, burstNanos, threads == 1);
          double[] theirs = Bursts.rates(baselineCall, flops, burstNanos, threads == 1);
          rates[0][r] = mine[0];
          rates[1][r] = theirs[0];
          rates[2][r] = mine[0] / theirs[0];
          rates[3][r] = mine[1];
          rates[4][r] = theirs[1];
          rates[5][r] = mine[1] / theirs[1];
        }
        System.out.printf(Locale.ROOT, "%-26s %9.1f %9.1f %7.2f %12.1f %12.1f %7.2f%n", args[s],
            Bursts.median(rates[0]), Bursts.median(rates[1]), Bursts.median(rates[2]),
            Bursts.median(rates[3]), Bursts.median(rates[4]), Bursts.median(rates[5]));
      }
    }
  }
}
