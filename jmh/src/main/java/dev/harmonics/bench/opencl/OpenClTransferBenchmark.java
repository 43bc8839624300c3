package dev.harmonics.bench.opencl;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
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
 * Host-device transfer alone: {@code upload} and {@code download} of a pinned tensor of {@code
 * size} floats, in bytes per second. The cost every unpinned kernel argument pays once per call.
 */
@State(Scope.Benchmark)
public class OpenClTransferBenchmark extends KernelBenchmark {

  @Param({"65536", "4194304"})
  public int size;

  private Tensor x;
  private Residency residency;

  @Setup(Level.Trial)
  public void setUp() {
    residency = OpenClBench.provider().residency();
    x = new BenchData(42).uniform(-1f, 1f, size);
    residency.pin(x);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    OpenClBench.release(x);
  }

  @Benchmark
  public Tensor upload(Work work) {
    residency.upload(x);
    work.bytes += 4L * size;
    return x;
  }

  @Benchmark
  public Tensor download(Work work) {
    residency.download(x);
    work.bytes += 4L * size;
    return x;
  }
}
