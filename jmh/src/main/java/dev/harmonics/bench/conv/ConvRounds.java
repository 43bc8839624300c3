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
 * <p>Arguments: {@code threads rounds burstMillis backend layer:batch...}: the backend ours runs
 * on ({@code simd}, {@code native-cpu}), then layers named as in {@link ConvLayer} with a batch
 * (for example {@code RESNET_1X1_64_256_56:1}). Prints per layer the median GFLOP/s of
 * each and the median of the per-round ratios, by wall clock and per CPU-second.
 */
public final class ConvRounds {

  private static final String USAGE = "arguments: threads rounds burstMillis backend"
      + " layer:batch... (for example 1 7 300 simd RESNET_1X1_64_256_56:1 FASHION_1_32_28:8)";

  /** Seconds of calls before measuring: C2 needs them to compile the Vector API loops. */
  private static final long WARM_UP_NANOS = 6_000_000_000L;

  private static final int LABEL_WIDTH = 26;

  private ConvRounds() {}

  /** Runs the rounds; see the class comment for the arguments. */
  public static void main(String[] args) {
    Bursts.Settings settings = Bursts.Settings.parse(args, 5, USAGE);
    KernelPool.setParallelism(settings.threads());
    System.out.printf(Locale.ROOT, "threads=%d rounds=%d burst=%s ms ours=%s%n",
        settings.threads(), settings.rounds(), args[2], args[3]);
    Bursts.printHeads("layer:batch", LABEL_WIDTH, "im2col");
    for (int s = 4; s < args.length; s++) {
      String[] parts = args[s].split(":");
      if (parts.length != 2) {
        throw new IllegalArgumentException(args[s] + ": expected layer:batch; " + USAGE);
      }
      int batch = Integer.parseInt(parts[1]);
      double flops = ConvLayer.valueOf(parts[0]).flops(batch);
      Work work = new Work();
      try (ConvRun ours = new ConvRun(args[3], parts[0], batch);
          ConvRun baseline = new ConvRun(ConvRun.IM2COL_OPENBLAS, parts[0], batch)) {
        Runnable oursCall = () -> ours.forward(work);
        Runnable baselineCall = () -> baseline.forward(work);
        Bursts.warmUp(WARM_UP_NANOS, oursCall, baselineCall);
        Bursts.printRow(args[s], LABEL_WIDTH,
            Bursts.compare(oursCall, baselineCall, flops, settings));
      }
    }
  }
}
