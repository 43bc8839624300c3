package dev.harmonics.bench.overhead;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.kernel.Backend;
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
 * parameters) are dominated by it; the target is under 100 ns per call. Each method is one call
 * of {@link SmallCalls}. {@code native-cpu} is the default backend here (AUTO): its small calls
 * run on the Java backend rather than paying for a downcall.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SmallCallBenchmark extends KernelBenchmark {

  @Param({"reference", "simd", "native-cpu"})
  String backend;

  private SmallCalls calls;

  @Setup(Level.Trial)
  public void setUp() {
    calls = new SmallCalls(KernelProviders.of(Backend.fromId(backend)));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    calls.close();
  }

  @Benchmark
  public Tensor relu() {
    return calls.relu();
  }

  @Benchmark
  public Tensor sigmoid() {
    return calls.sigmoid();
  }

  @Benchmark
  public Tensor tanh() {
    return calls.tanh();
  }

  @Benchmark
  public Tensor gelu() {
    return calls.gelu();
  }

  @Benchmark
  public Tensor add() {
    return calls.add();
  }

  @Benchmark
  public Tensor mul() {
    return calls.mul();
  }

  @Benchmark
  public Tensor scale() {
    return calls.scale();
  }

  @Benchmark
  public Tensor sum() {
    return calls.sum();
  }

  @Benchmark
  public Tensor softmax() {
    return calls.softmax();
  }

  @Benchmark
  public Tensor crossEntropy() {
    return calls.crossEntropy();
  }

  @Benchmark
  public Tensor layerNorm() {
    return calls.layerNorm();
  }

  @Benchmark
  public Tensor rmsNorm() {
    return calls.rmsNorm();
  }

  @Benchmark
  public Tensor batchNorm() {
    return calls.batchNorm();
  }

  @Benchmark
  public Tensor sgd() {
    return calls.sgd();
  }

  @Benchmark
  public Tensor adam() {
    return calls.adam();
  }
}
