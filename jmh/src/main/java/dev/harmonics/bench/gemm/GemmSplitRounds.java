package dev.harmonics.bench.gemm;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.Bursts;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.util.Locale;

/**
 * Our GEMM on {@code threads} pool threads against the same GEMM on one thread, interleaved in one
 * JVM as in {@link GemmRounds}: whether splitting a product across the cores pays at its size.
 * The backends keep products below a size on the calling thread ({@code GemmDriver}'s and {@code
 * NativeGemm}'s thresholds); a shape just above a threshold must come out at 1 or more, and a
 * shape below it at 1 (the same code runs on both sides).
 *
 * <p>Arguments: {@code threads rounds burstMillis backend shape...}, shapes {@code MxKxN}. Prints
 * the median GFLOP/s split and on one thread and the median of the per-round ratios, by wall clock
 * (the speed-up) and per CPU-second (what the split costs in work, pool threads' spinning
 * included).
 */
public final class GemmSplitRounds {

  private static final String USAGE = "arguments: threads rounds burstMillis backend shape..."
      + " (for example 2 7 300 native-cpu 128x256x128 256x256x256)";

  private static final long WARM_UP_NANOS = 8_000_000_000L;

  private static final int LABEL_WIDTH = 16;

  private GemmSplitRounds() {}

  /** Runs the rounds; see the class comment for the arguments. */
  public static void main(String[] args) {
    Bursts.Settings settings = Bursts.Settings.parse(args, 5, USAGE);
    int threads = settings.threads();
    GemmKernels ours = KernelProviders.of(Backend.fromId(args[3])).gemm();
    System.out.printf(Locale.ROOT, "threads=%d against 1, rounds=%d burst=%s ms backend=%s%n",
        threads, settings.rounds(), args[2], args[3]);
    Bursts.printHeads("shape", LABEL_WIDTH, "1-thread");
    for (int s = 4; s < args.length; s++) {
      GemmShape shape = GemmShape.parse(args[s]);
      BenchData random = new BenchData(42);
      try (Tensor a = random.uniform(shape.m(), shape.k());
          Tensor b = random.uniform(shape.k(), shape.n());
          Tensor c = Tensor.zeros(shape.m(), shape.n())) {
        Runnable split = () -> {
          KernelPool.setParallelism(threads);
          ours.gemm(false, false, 1f, a, b, 0f, c);
        };
        Runnable alone = () -> {
          KernelPool.setParallelism(1);
          ours.gemm(false, false, 1f, a, b, 0f, c);
        };
        // One side at a time: alternating call by call would start new pool threads every call.
        Bursts.warmUp(WARM_UP_NANOS / 2, split);
        Bursts.warmUp(WARM_UP_NANOS / 2, alone);
        Bursts.printRow(args[s], LABEL_WIDTH, Bursts.compare(split, alone, shape.flops(), settings));
      }
    }
  }
}
