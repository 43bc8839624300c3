package dev.harmonics.bench.quant;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.KernelBackend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.tensor.DType;
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
 * Float32 to int8 quantisation and back: memory-bound, so each call counts the bytes it reads and
 * writes (4 + 1 per element).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class QuantizeBenchmark {

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
    kernels = KernelProviders.of(KernelBackend.fromId(backend)).quant();
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
