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
 * Forward convolution, reference against SIMD, on the Fashion-MNIST layers: small enough for the
 * reference to finish many calls per iteration. GFLOP/s as in {@link Conv2dBenchmark}.
 */
@State(Scope.Benchmark)
public class Conv2dReferenceBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"FASHION_1_32_28", "FASHION_32_64_14"})
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
  public Tensor forward(Work work) {
    return run.forward(work);
  }
}
