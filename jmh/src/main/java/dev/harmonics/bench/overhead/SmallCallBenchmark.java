package dev.harmonics.bench.overhead;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one kernel call on a 64-element input, in nanoseconds: argument checks, dispatch and
 * the few vectors of work. Small layers (biases, norms of narrow rows, optimizer steps on small
 * parameters) are dominated by it; the target is under 100 ns per call. Each method is one call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SmallCallBenchmark extends KernelBenchmark {

  private static final int SIZE = 64;

  @Param({"reference", "simd"})
  String backend;

  private KernelProvider kernels;
  private AdamConfig adam;
  private long step;
  private Tensor x;
  private Tensor y;
  private Tensor out;
  private Tensor row;
  private Tensor rowOut;
  private Tensor gamma;
  private Tensor beta;
  private Tensor m;
  private Tensor v;
  private Tensor sum;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend));
    adam = AdamConfig.adam(1e-3);
    float[] values = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      values[i] = (i % 7 - 3) * 0.25f;
    }
    x = Tensor.of(values, SIZE);
    y = Tensor.of(values, SIZE);
    out = Tensor.zeros(SIZE);
    row = Tensor.of(values, 1, SIZE);
    rowOut = Tensor.zeros(1, SIZE);
    gamma = Tensor.zeros(SIZE).fill(1f);
    beta = Tensor.zeros(SIZE);
    m = Tensor.zeros(SIZE);
    v = Tensor.zeros(SIZE);
    sum = Tensor.zeros(1);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (Tensor t : new Tensor[] {x, y, out, row, rowOut, gamma, beta, m, v, sum}) {
      t.close();
    }
  }

  @Benchmark
  public Tensor relu() {
    kernels.activations().forward(Activation.RELU, 0f, x, out);
    return out;
  }

  @Benchmark
  public Tensor add() {
    kernels.elementwise().add(x, y, out);
    return out;
  }

  @Benchmark
  public Tensor softmax() {
    kernels.softmax().softmax(row, 1, rowOut);
    return rowOut;
  }

  @Benchmark
  public Tensor layerNorm() {
    kernels.norm().layerNormForward(row, gamma, beta, 1e-5f, rowOut, null, null);
    return rowOut;
  }

  @Benchmark
  public Tensor sum() {
    kernels.reductions().sum(x, sum, 0);
    return sum;
  }

  @Benchmark
  public Tensor adam() {
    kernels.optimizers().adam(adam, ++step, out, x, m, v);
    return out;
  }
}
