package dev.harmonics.bench.opencl;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.TransferStats;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Float32 GEMM on an OpenCL device, shapes {@code MxKxN} (PoCL's CPU device by default), {@code C = A·B}. With {@code
 * pinned} tensors the score is kernel plus launch; with {@code unpinned} it also pays uploading A
 * and B and downloading C on every call. {@link DeviceTime} reports the kernel's own device time
 * from profiling events and the bytes transferred, so transfer cost reads apart from kernel cost.
 */
@State(Scope.Benchmark)
public class OpenClGemmBenchmark extends KernelBenchmark {

  @Param({"pinned", "unpinned"})
  public String residency;

  @Param({"256x256x256", "512x512x512", "128x784x256"})
  public String shape;

  private int m;
  private int k;
  private int n;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private GemmKernels kernels;

  @Setup(Level.Trial)
  public void setUp() {
    int[] mkn = BenchData.dims(shape);
    m = mkn[0];
    k = mkn[1];
    n = mkn[2];
    kernels = OpenClBench.provider().gemm();
    BenchData random = new BenchData(42);
    a = random.uniform(-1f, 1f, m, k);
    b = random.uniform(-1f, 1f, k, n);
    c = Tensor.zeros(m, n);
    OpenClBench.place(residency, a, b, c);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    OpenClBench.release(a, b, c);
  }

  @Benchmark
  public Tensor gemm(Work work, DeviceTime time) {
    TransferStats before = OpenClBench.provider().residency().transfers();
    kernels.gemm(false, false, 1f, a, b, 0f, c);
    OpenClBench.record(time, before);
    work.flops += 2L * m * k * n;
    return c;
  }
}
