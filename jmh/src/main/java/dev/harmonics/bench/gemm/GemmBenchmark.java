package dev.harmonics.bench.gemm;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.ffi.openblas.OpenBlas;
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
 * Float32 GEMM, {@code C = A·B}, the SIMD and native CPU kernels against OpenBLAS (the native code
 * called through FFM) on square sizes and dense-layer shapes. Shapes are {@code MxKxN} (see {@link
 * GemmShape}); {@code 1x4096x4096} is a batch-1 layer, bound by reading B. {@code threads} is {@code 1} or {@code all} (every available
 * processor), applied to both the kernel pool and OpenBLAS. The reference backend is too slow for
 * these sizes; {@link GemmReferenceBenchmark} covers it on small ones.
 */
@State(Scope.Benchmark)
public class GemmBenchmark extends KernelBenchmark {

  @Param({"simd", "native-cpu", "openblas"})
  public String backend;

  @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "128x784x256",
      "128x256x128", "64x4096x4096", "1x4096x4096"})
  public String shape;

  @Param({"1", "all"})
  public String threads;

  private GemmShape dims;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private GemmKernels kernels;
  private OpenBlas openBlas;

  @Setup(Level.Trial)
  public void setUp() {
    dims = GemmShape.parse(shape);
    int threadCount = threads.equals("all")
        ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
    KernelPool.setParallelism(threadCount);
    if (backend.equals("openblas")) {
      openBlas = OpenBlas.load();
      openBlas.setThreads(threadCount);
    } else {
      kernels = KernelProviders.of(Backend.fromId(backend)).gemm();
    }
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
    if (openBlas != null) {
      openBlas.sgemm(false, false, dims.m(), dims.n(), dims.k(), 1f, a.data(), dims.k(), b.data(),
          dims.n(), 0f, c.data(), dims.n());
    } else {
      kernels.gemm(false, false, 1f, a, b, 0f, c);
    }
    work.flops += dims.flops();
    return c;
  }
}
