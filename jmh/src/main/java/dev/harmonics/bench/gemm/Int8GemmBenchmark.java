package dev.harmonics.bench.gemm;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Int8 GEMM (int32 results) beside float32 GEMM on the same shape and backend, so the report shows
 * what quantised weights cost or save in compute. Both count {@code 2·M·N·K} operations as flops.
 * Shapes are {@code MxKxN} (see {@link GemmShape}).
 */
@State(Scope.Benchmark)
public class Int8GemmBenchmark extends KernelBenchmark {

  @Param({"reference", "simd", "native-cpu"})
  public String backend;

  @Param({"64x64x64", "128x784x256", "512x512x512", "1x4096x4096"})
  public String shape;

  private GemmShape dims;
  private KernelProvider kernels;
  private Tensor a8;
  private Tensor b8;
  private Tensor c32;
  private Tensor a;
  private Tensor b;
  private Tensor c;

  @Setup(Level.Trial)
  public void setUp() {
    dims = GemmShape.parse(shape);
    kernels = KernelProviders.of(Backend.fromId(backend));
    BenchData random = new BenchData(42);
    a8 = random.int8(dims.m(), dims.k());
    b8 = random.int8(dims.k(), dims.n());
    c32 = Tensor.allocate(DType.INT32, dims.m(), dims.n());
    a = random.uniform(dims.m(), dims.k());
    b = random.uniform(dims.k(), dims.n());
    c = Tensor.zeros(dims.m(), dims.n());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (Tensor t : new Tensor[] {a8, b8, c32, a, b, c}) {
      t.close();
    }
  }

  @Benchmark
  public Tensor int8(Work work) {
    kernels.quant().gemmInt8(a8, b8, c32);
    work.flops += dims.flops();
    return c32;
  }

  @Benchmark
  public Tensor fp32(Work work) {
    kernels.gemm().gemm(false, false, 1f, a, b, 0f, c);
    work.flops += dims.flops();
    return c;
  }
}
