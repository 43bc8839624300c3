package dev.harmonics.bench.opencl;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
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
 * A memory-bound kernel on an OpenCL device: activation forward over {@code size} floats, pinned
 * (the data stays on the device) or unpinned (uploaded and downloaded per call). {@code bytes}
 * counts what the kernel reads and writes; {@link DeviceTime} the kernel time and traffic.
 */
@State(Scope.Benchmark)
public class OpenClActivationBenchmark extends KernelBenchmark {

  @Param({"pinned", "unpinned"})
  public String residency;

  @Param({"RELU", "GELU_TANH"})
  public Activation function;

  @Param({"65536", "1048576"})
  public int size;

  private Tensor x;
  private Tensor y;
  private ActivationKernels kernels;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = OpenClBench.provider().activations();
    x = new BenchData(42).uniform(-1f, 1f, size);
    y = Tensor.zeros(size);
    OpenClBench.place(residency, x, y);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    OpenClBench.release(x, y);
  }

  @Benchmark
  public Tensor forward(Work work, DeviceTime time) {
    TransferStats before = OpenClBench.provider().residency().transfers();
    kernels.forward(function, function.defaultAlpha(), x, y);
    OpenClBench.record(time, before);
    work.bytes += 8L * size;
    return y;
  }
}
