package dev.harmonics.bench.conv;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The two gradient passes of a convolution, each counted as the forward pass's flops (the same
 * multiply-adds in another order). SIMD by default, as in {@link Conv2dBenchmark}; {@code -p
 * backend=reference} runs the reference.
 */
@State(Scope.Benchmark)
public class Conv2dBackwardBenchmark extends KernelBenchmark {

  @Param({"simd"})
  public String backend;

  @Param({"RESNET_64_56", "RESNET_64_56_S2", "FASHION_32_64_14", "DEPTHWISE_128_28"})
  public String layer;

  @Param({"1"})
  public int batch;

  private ConvRun run;

  @Setup(Level.Trial)
  public void setUp() {
    run = new ConvRun(backend, layer, batch);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    run.close();
  }

  @Benchmark
  public Tensor backwardInput(Work work) {
    return run.backwardInput(work);
  }

  @Benchmark
  public Tensor backwardWeight(Work work) {
    return run.backwardWeight(work);
  }
}
