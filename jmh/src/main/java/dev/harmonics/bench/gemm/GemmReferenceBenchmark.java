package dev.harmonics.bench.gemm;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Float32 GEMM, reference against SIMD, on sizes small enough for the reference's triple loop
 * ({@code MxKxN}, see {@link GemmShape}). Larger sizes are in {@link GemmBenchmark}.
 */
@State(Scope.Benchmark)
public class GemmReferenceBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"16x16x16", "64x64x64", "128x128x128"})
  public String shape;

  private GemmShape dims;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private GemmKernels kernels;

  @Setup(Level.Trial)
  public void setUp() {
    dims = GemmShape.parse(shape);
    kernels = KernelProviders.of(Backend.fromId(backend)).gemm();
    BenchData random = new BenchData(42);
    a = random.uniform(dims.m(), dims.k());
    b = random.uniform(dims.k(), dims.n());
    c = Tensor.zeros(dims.m(), dims.n());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    a.close();
    b.close();
    c.close();
  }

  @Benchmark
  public Tensor gemm(Work work) {
    kernels.gemm(false, false, 1f, a, b, 0f, c);
    work.flops += dims.flops();
    return c;
  }
}
