package dev.harmonics.bench.conv;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Forward convolution of ResNet-style and Fashion-MNIST layers, in GFLOP/s ({@code 2 N O OH OW
 * (C / groups) KH KW} per call), SIMD against the baseline a user would otherwise write: im2col in
 * Java plus OpenBLAS {@code sgemm} ({@link Im2colOpenBlas}, backend {@code im2col+openblas}). The
 * reference takes about a second per ResNet layer call, so it is not in the default set; {@link
 * Conv2dReferenceBenchmark} compares it on the small layers, and {@code -p backend=reference} runs
 * it here. {@code threads} is {@code 1} or {@code all}, for the kernel pool and OpenBLAS alike.
 */
@State(Scope.Benchmark)
public class Conv2dBenchmark extends KernelBenchmark {

  @Param({"simd", ConvRun.IM2COL_OPENBLAS})
  public String backend;

  @Param({"RESNET_64_56", "RESNET_128_28", "RESNET_64_56_S2", "RESNET_1X1_64_256_56",
      "FASHION_1_32_28", "FASHION_32_64_14", "DEPTHWISE_128_28"})
  public String layer;

  @Param({"1", "8"})
  public int batch;

  @Param({"all"})
  public String threads;

  private ConvRun run;

  @Setup(Level.Trial)
  public void setUp() {
    KernelPool.setParallelism(threads.equals("all")
        ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads));
    run = new ConvRun(backend, layer, batch);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    run.close();
  }

  @Benchmark
  public Tensor forward(Work work) {
    return run.forward(work);
  }
}
