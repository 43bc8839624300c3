package dev.harmonics.bench.cuda;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.Residency;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Host-device bandwidth of the CUDA backend's residency (pageable host memory, as tensors are
 * allocated): what an unpinned tensor costs per call, in GB/s. Needs a GPU.
 */
@State(Scope.Benchmark)
public class CudaTransferBenchmark extends KernelBenchmark {

  @Param({"65536", "16777216"})
  public int floats;

  private Residency residency;
  private Tensor t;

  @Setup(Level.Trial)
  public void setUp() {
    residency = KernelProviders.of(Backend.CUDA).residency();
    t = new BenchData(42).uniform(floats);
    residency.pin(t);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    residency.release(t);
    t.close();
  }

  @Benchmark
  public Tensor uploadAndDownload(Work work) {
    residency.upload(t);
    residency.download(t);
    work.bytes += 8L * floats;
    return t;
  }
}
