package dev.harmonics.bench.gemm;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.Bursts;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.ffi.openblas.OpenBlas;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.util.Locale;

/**
 * Our GEMM against OpenBLAS's {@code sgemm}, interleaved in one JVM: every round runs a burst of
 * each, so both see the same load from other processes, and the ratio is taken within the round.
 * JMH runs one configuration after another, which on a shared machine lets the load differ between
 * the two; this harness is for that situation, and its figures are what docs/performance.md quotes
 * for the GEMM steps.
 *
 * <p>Arguments: {@code threads rounds burstMillis backend shape...}, a shape written {@code MxKxN}
 * as in {@link GemmBenchmark}, the backend ours runs on ({@code simd} or {@code native-cpu}).
 * OpenBLAS gets the same number of threads as the kernel pool. Prints per shape the median GFLOP/s
 * of each and the median of the per-round ratios, by wall clock and per CPU-second: flops over the
 * CPU time used (the calling thread's on one thread, the process's otherwise), which removes the
 * time spent descheduled and so measures the work per flop, not the speed-up across cores.
 */
public final class GemmRounds {

  private static final String USAGE = "arguments: threads rounds burstMillis backend shape..."
      + " (for example 1 7 300 simd 512x512x512 128x784x256)";

  /** Seconds of calls before measuring: C2 needs them to compile the Vector API loops. */
  private static final long WARM_UP_NANOS = 8_000_000_000L;

  private static final int LABEL_WIDTH = 16;

  private GemmRounds() {}

  /** Runs the rounds; see the class comment for the arguments. */
  public static void main(String[] args) {
    Bursts.Settings settings = Bursts.Settings.parse(args, 5, USAGE);
    KernelPool.setParallelism(settings.threads());
    GemmKernels ours = KernelProviders.of(Backend.fromId(args[3])).gemm();
    OpenBlas blas = OpenBlas.load();
    blas.setThreads(settings.threads());
    System.out.printf(Locale.ROOT, "threads=%d rounds=%d burst=%s ms ours=%s%n",
        settings.threads(), settings.rounds(), args[2], args[3]);
    eachShape(args, settings, "openblas", (shape, a, b, c) -> new Calls(
        () -> ours.gemm(false, false, 1f, a, b, 0f, c),
        () -> blas.sgemm(false, false, shape.m(), shape.n(), shape.k(), 1f, a.data(), shape.k(),
            b.data(), shape.n(), 0f, c.data(), shape.n())));
  }

  /** Our call and the reference's on one shape's operands. */
  record Calls(Runnable ours, Runnable reference) {}

  /** Makes the two calls of a round on {@code C = A·B} for {@code shape}. */
  @FunctionalInterface
  interface CallsOnOperands {
    Calls on(GemmShape shape, Tensor a, Tensor b, Tensor c);
  }

  /**
   * For every shape in {@code args[4..]}: random operands, a warm-up of each call in turn (C2
   * compiles the Vector API loops in it), then the alternating rounds, printed as one row under
   * the heads for {@code referenceName}.
   */
  static void eachShape(String[] args, Bursts.Settings settings, String referenceName,
      CallsOnOperands callsOn) {
    Bursts.printHeads("shape", LABEL_WIDTH, referenceName);
    for (int s = 4; s < args.length; s++) {
      GemmShape shape = GemmShape.parse(args[s]);
      BenchData random = new BenchData(42);
      try (Tensor a = random.uniform(shape.m(), shape.k());
          Tensor b = random.uniform(shape.k(), shape.n());
          Tensor c = Tensor.zeros(shape.m(), shape.n())) {
        Calls calls = callsOn.on(shape, a, b, c);
        Bursts.warmUp(WARM_UP_NANOS / 2, calls.ours());
        Bursts.warmUp(WARM_UP_NANOS / 2, calls.reference());
        Bursts.printRow(args[s], LABEL_WIDTH,
            Bursts.compare(calls.ours(), calls.reference(), shape.flops(), settings));
      }
    }
  }
}
