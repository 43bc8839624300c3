package dev.harmonics.bench.pool;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Global average pooling and its gradient, in GB/s (bytes read plus written), over the last
 * feature map of a ResNet-50 ({@code [N, 2048, 7, 7]}).
 */
@State(Scope.Benchmark)
public class GlobalAvgPoolBenchmark extends KernelBenchmark {

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
    pool = KernelProviders.of(Backend.fromId(backend)).pool();
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
