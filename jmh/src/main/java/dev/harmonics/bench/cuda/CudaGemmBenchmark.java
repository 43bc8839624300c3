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
 * Square SGEMM on the CUDA backend (cuBLAS) beside SIMD Java. {@code residency=pinned} keeps A, B
 * and C on the device, so the figure is the GPU's; {@code unpinned} moves A and B up and C down on
 * every call, as a caller that never pins pays. Each call ends with C on the host or, pinned, with
 * a {@link DeviceFence}, so the GPU's queued work is always finished inside the measurement.
 * Needs a GPU for {@code cuda} ({@code scripts/gpu-check.sh} runs it); SIMD runs anywhere.
 */
@State(Scope.Benchmark)
public class CudaGemmBenchmark extends KernelBenchmark {

  @Param({"simd", "cuda"})
  public String backend;

  @Param({"pinned", "unpinned"})
  public String residency;

  @Param({"512", "2048"})
  public int size;

  private KernelProvider kernels;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private DeviceFence fence;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend));
    BenchData data = new BenchData(42);
    a = data.uniform(size, size);
    b = data.uniform(size, size);
    c = Tensor.zeros(size, size);
    if (residency.equals("pinned")) {
      kernels.residency().pin(a);
      kernels.residency().pin(b);
      kernels.residency().pin(c);
    }
    fence = new DeviceFence(kernels);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fence.close();
    for (Tensor t : new Tensor[] {a, b, c}) {
      kernels.residency().release(t);
      t.close();
    }
  }

  @Benchmark
  public Tensor gemm(Work work) {
    kernels.gemm().gemm(false, false, 1f, a, b, 0f, c);
    if (residency.equals("pinned")) {
      fence.await();
    }
    work.flops += 2L * size * size * size;
    return c;
  }
}
