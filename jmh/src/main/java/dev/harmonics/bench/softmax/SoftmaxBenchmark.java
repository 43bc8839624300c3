package dev.harmonics.bench.softmax;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.SoftmaxKernels;
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
 * Softmax and log-softmax forward and softmax backward. {@code shape} is {@code AxBx...}, with
 * {@code @axis} for a non-last axis: a batch of 128 rows over a 1000-class output, one row over a
 * 32000-token vocabulary, softmax over the 1000-long middle axis of {@code [16, 1000, 64]}
 * (strided lines, vectorised across the 64 inner positions), and 1024 rows of 10 classes (a
 * classifier's logits, where a row's fixed costs dominate). Memory-bound at these sizes once the
 * exponential is cheap, so the work counted is bytes: read x and write y (forward); read y and dy
 * and write dx (backward).
 *
 * <p>{@code -p mask=causal} fills the upper triangle of every square of the last two axes with
 * -inf, as attention scores under a causal mask: about half of each row's entries then have
 * probability 0, the case that once cost the C kernel a subnormal assist per vector.
 */
@State(Scope.Benchmark)
public class SoftmaxBenchmark extends KernelBenchmark {

  @Param({"reference", "simd", "native-cpu"})
  public String backend;

  @Param({"128x1000", "1x32000", "16x1000x64@1", "1024x10"})
  public String shape;

  @Param({"none"})
  public String mask;

  private SoftmaxKernels kernels;
  private int axis;
  private Tensor x;
  private Tensor y;
  private Tensor dy;
  private Tensor dx;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend)).softmax();
    String[] parts = shape.split("@");
    int[] dims = BenchData.dims(parts[0]);
    axis = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    SplittableRandom random = new SplittableRandom(42);
    x = Tensor.zeros(dims);
    dy = Tensor.zeros(dims);
    float[] values = new float[x.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 20 - 10);
    }
    if (mask.equals("causal")) {
      int len = dims[dims.length - 1];
      for (int i = 0; i < values.length; i++) {
        if (i % len > i / len % len) {
          values[i] = Float.NEGATIVE_INFINITY;
        }
      }
    } else if (!mask.equals("none")) {
      throw new IllegalArgumentException("mask: " + mask + " (expected: none or causal)");
    }
    x.copyFrom(values);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    dy.copyFrom(values);
    y = Tensor.zeros(dims);
    dx = Tensor.zeros(dims);
    kernels.softmax(x, axis, y);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    y.close();
    dy.close();
    dx.close();
  }

  @Benchmark
  public Tensor softmax(Work work) {
    kernels.softmax(x, axis, y);
    work.bytes += 8L * x.size();
    return y;
  }

  @Benchmark
  public Tensor logSoftmax(Work work) {
    kernels.logSoftmax(x, axis, dx);
    work.bytes += 8L * x.size();
    return dx;
  }

  @Benchmark
  public Tensor softmaxBackward(Work work) {
    kernels.softmaxBackward(y, dy, axis, dx);
    work.bytes += 12L * x.size();
    return dx;
  }
}
