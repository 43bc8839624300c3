package dev.harmonics.bench.quant;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.QuantKernels;
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
 * Float32 to int8 quantisation and back: memory-bound, so each call counts the bytes it reads and
 * writes (4 + 1 per element).
 */
@State(Scope.Benchmark)
public class QuantizeBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"4096", "1048576"})
  public int size;

  private QuantKernels kernels;
  private Tensor x;
  private Tensor q;
  private Tensor restored;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend)).quant();
    x = new BenchData(42).uniform(size);
    q = Tensor.allocate(DType.INT8, size);
    restored = Tensor.zeros(size);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    q.close();
    restored.close();
  }

  @Benchmark
  public Tensor quantize(Work work) {
    kernels.quantize(x, 0.01f, 3, q);
    work.bytes += 5L * size;
    return q;
  }

  @Benchmark
  public Tensor dequantize(Work work) {
    kernels.dequantize(q, 0.01f, 3, restored);
    work.bytes += 5L * size;
    return restored;
  }
}
