package dev.harmonics.bench.pool;

import dev.harmonics.bench.Work;
import dev.harmonics.kernel.KernelBackend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.PoolKernels;
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
 * Global average pooling and its gradient, in GB/s (bytes read plus written), over the last
 * feature map of a ResNet-50 ({@code [N, 2048, 7, 7]}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GlobalAvgPoolBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"1", "32"})
  public int batch;

  private PoolKernels pool;
  private Tensor x;
  private Tensor y;
  private Tensor dx;

  @Setup(Level.Trial)
  public void setUp() {
    pool = KernelProviders.of(KernelBackend.fromId(backend)).pool();
    x = Tensor.zeros(batch, 2048, 7, 7).fill(0.5f);
    y = Tensor.zeros(batch, 2048).fill(1f);
    dx = Tensor.zeros(batch, 2048, 7, 7);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    y.close();
    dx.close();
  }

  @Benchmark
  public Tensor forward(Work work) {
    pool.globalAvgPoolForward(x, y);
    work.bytes += ((long) x.size() + y.size()) * Float.BYTES;
    return y;
  }

  @Benchmark
  public Tensor backward(Work work) {
    pool.globalAvgPoolBackward(y, dx);
    work.bytes += ((long) x.size() + y.size()) * Float.BYTES;
    return dx;
  }
}
