package dev.harmonics.bench.optimizer;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
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
 * One optimizer update of a float32 tensor, in place. These kernels are memory-bound, so the
 * figure to read is {@code bytes} per second: the bytes each update reads plus writes.
 *
 * <ul>
 *   <li>{@code sgd}: momentum 0.9; reads p, g, buffer, writes p, buffer: 20 bytes per element.
 *   <li>{@code sgd-nesterov}: the same with Nesterov momentum: 20 bytes.
 *   <li>{@code adam}, {@code adamw}: read p, g, m, v, write p, m, v: 28 bytes.
 *   <li>{@code rmsprop}: no momentum, not centered; reads p, g, squareAvg, writes p, squareAvg: 20.
 *   <li>{@code lamb}: pass 1 reads p, g, m, v and writes m, v; pass 2 reads p, m, v and writes p:
 *       40 bytes.
 * </ul>
 *
 * The learning rate is tiny and the tensors are restored before every iteration so that millions
 * of updates with one fixed gradient never drive the values towards overflow or denormals.
 */
@State(Scope.Benchmark)
public class OptimizerBenchmark extends KernelBenchmark {

  private static final double LR = 1e-6;

  @Param({"sgd", "sgd-nesterov", "adam", "adamw", "rmsprop", "lamb"})
  public String optimizer;

  @Param({"4096", "4194304"})
  public int size;

  @Param({"reference", "simd", "native-cpu"})
  public String backend;

  private OptimizerKernels kernels;
  private Tensor param;
  private Tensor grad;
  private Tensor first;
  private Tensor second;
  private float[] initialParam;
  private Update update;
  private long bytesPerUpdate;
  private long step;

  @FunctionalInterface
  private interface Update {
    void apply(long step);
  }

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend)).optimizers();
    SplittableRandom random = new SplittableRandom(42);
    initialParam = uniform(random, size);
    param = Tensor.zeros(size);
    grad = Tensor.of(uniform(random, size), size);
    first = Tensor.zeros(size);
    second = Tensor.zeros(size);
    switch (optimizer) {
      case "sgd" -> {
        SgdConfig c = SgdConfig.ofMomentum(LR, 0.9);
        update = t -> kernels.sgd(c, t, param, grad, first);
        bytesPerUpdate = 20;
      }
      case "sgd-nesterov" -> {
        SgdConfig c = SgdConfig.ofNesterov(LR, 0.9);
        update = t -> kernels.sgd(c, t, param, grad, first);
        bytesPerUpdate = 20;
      }
      case "adam" -> {
        AdamConfig c = AdamConfig.adam(LR);
        update = t -> kernels.adam(c, t, param, grad, first, second);
        bytesPerUpdate = 28;
      }
      case "adamw" -> {
        AdamConfig c = AdamConfig.adamW(LR, 0.01);
        update = t -> kernels.adam(c, t, param, grad, first, second);
        bytesPerUpdate = 28;
      }
      case "rmsprop" -> {
        RmsPropConfig c = RmsPropConfig.of(LR);
        update = t -> kernels.rmsprop(c, param, grad, first, null, null);
        bytesPerUpdate = 20;
      }
      case "lamb" -> {
        LambConfig c = LambConfig.of(LR);
        update = t -> kernels.lamb(c, t, param, grad, first, second);
        bytesPerUpdate = 40;
      }
      default -> throw new IllegalArgumentException("optimizer: " + optimizer
          + " (expected: sgd, sgd-nesterov, adam, adamw, rmsprop or lamb)");
    }
    bytesPerUpdate *= size;
  }

  @Setup(Level.Iteration)
  public void restore() {
    param.copyFrom(initialParam);
    first.fill(0f);
    second.fill(0f);
    step = 0;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    param.close();
    grad.close();
    first.close();
    second.close();
  }

  @Benchmark
  public Tensor update(Work work) {
    update.apply(++step);
    work.bytes += bytesPerUpdate;
    return param;
  }

  private static float[] uniform(SplittableRandom random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }
}
