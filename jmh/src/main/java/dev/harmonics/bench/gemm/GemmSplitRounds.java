package dev.harmonics.bench.gemm;

import dev.harmonics.bench.Bursts;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.KernelProviders;
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

  private GemmSplitRounds() {}

  /**
   * Runs the rounds; see the class comment for the arguments. Each call sets the pool's size,
   * which is a no-op but for the first call of a burst: the warm-up runs each side on its own,
   * since alternating call by call would start new pool threads every call.
   */
  public static void main(String[] args) {
    Bursts.Settings settings = Bursts.Settings.parse(args, 5, USAGE);
    int threads = settings.threads();
    GemmKernels ours = KernelProviders.of(Backend.fromId(args[3])).gemm();
    System.out.printf(Locale.ROOT, "threads=%d against 1, rounds=%d burst=%s ms backend=%s%n",
        threads, settings.rounds(), args[2], args[3]);
    GemmRounds.eachShape(args, settings, "1-thread", (shape, a, b, c) -> new GemmRounds.Calls(
        () -> {
          KernelPool.setParallelism(threads);
          ours.gemm(false, false, 1f, a, b, 0f, c);
        },
        () -> {
          KernelPool.setParallelism(1);
          ours.gemm(false, false, 1f, a, b, 0f, c);
        }));
  }
}
