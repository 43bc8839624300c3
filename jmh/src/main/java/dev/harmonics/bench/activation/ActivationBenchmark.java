package dev.harmonics.bench.activation;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Activation forward and backward over a 1-d tensor. 64 elements measures the per-call overhead
 * (validation, dispatch), 4096 the in-cache compute rate, 1M the memory-bound and multithreaded
 * rate. Bytes count what the API reads and writes: x and y forward; x, y, dy and dx backward.
 */
@State(Scope.Benchmark)
public class ActivationBenchmark extends KernelBenchmark {

  @Param({"reference", "simd", "native-cpu"})
  String backend;

  @Param({"RELU", "SIGMOID", "TANH", "GELU_ERF", "GELU_TANH", "ELU", "SOFTPLUS"})
  String function;

  @Param({"64", "4096", "1048576"})
  int size;

  private ActivationKernels kernels;
  private Activation f;
  private float alpha;
  private Tensor x;
  private Tensor y;
  private Tensor dy;
  private Tensor dx;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend)).activations();
    f = Activation.valueOf(function);
    alpha = f.defaultAlpha();
    SplittableRandom random = new SplittableRandom(42);
    float[] values = new float[size];
    float[] grads = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) (random.nextDouble() * 8 - 4);
      grads[i] = (float) (random.nextDouble() * 2 - 1);
    }
    x = Tensor.of(values, size);
    dy = Tensor.of(grads, size);
    y = Tensor.zeros(size);
    dx = Tensor.zeros(size);
    kernels.forward(f, alpha, x, y);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    y.close();
    dy.close();
    dx.close();
  }

  @Benchmark
  public Tensor forward(Work work) {
    kernels.forward(f, alpha, x, y);
    work.bytes += 8L * size;
    return y;
  }

  @Benchmark
  public Tensor backward(Work work) {
    kernels.backward(f, alpha, x, y, dy, dx);
    work.bytes += 16L * size;
    return dx;
  }
}
