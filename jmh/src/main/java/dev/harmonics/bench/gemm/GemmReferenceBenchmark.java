package dev.harmonics.bench.gemm;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.KernelBackend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Float32 GEMM, reference against SIMD, on sizes small enough for the reference's triple loop
 * ({@code MxKxN}, see {@link GemmShape}). Larger sizes are in {@link GemmBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmReferenceBenchmark {

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
    kernels = KernelProviders.of(KernelBackend.fromId(backend)).gemm();
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
