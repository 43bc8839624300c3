package dev.harmonics.bench.cuda;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
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
 * One of our own PTX kernels (softmax over rows, a block per row) on pinned tensors, beside SIMD
 * Java: bytes read and written per second. A {@link DeviceFence} makes sure the queued kernel has
 * finished when a call returns. Needs a GPU for {@code cuda}.
 */
@State(Scope.Benchmark)
public class CudaSoftmaxBenchmark extends KernelBenchmark {

  @Param({"simd", "cuda"})
  public String backend;

  @Param({"128x1000", "4096x4096"})
  public String shape;

  private KernelProvider kernels;
  private Tensor x;
  private Tensor y;
  private DeviceFence fence;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend));
    int[] dims = BenchData.dims(shape);
    x = new BenchData(42).uniform(-10f, 10f, dims);
    y = Tensor.zeros(dims);
    kernels.residency().pin(x);
    kernels.residency().pin(y);
    fence = new DeviceFence(kernels);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kernels.residency().release(x);
    kernels.residency().release(y);
    x.close();
    y.close();
    fence.close();
  }

  @Benchmark
  public Tensor softmax(Work work) {
    kernels.softmax().softmax(x, -1, y);
    fence.await();
    work.bytes += 8L * x.size();
    return y;
  }
}
