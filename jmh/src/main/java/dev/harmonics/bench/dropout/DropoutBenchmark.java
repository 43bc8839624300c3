package dev.harmonics.bench.dropout;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Dropout at p = 0.1 over a float32 vector: the forward pass with and without recording the int8
 * mask (the cost of generating Philox bits), and the backward pass from the mask and from the seed.
 */
@State(Scope.Benchmark)
public class DropoutBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"1048576"})
  public int size;

  private static final float P = 0.1f;
  private static final long SEED = 1234;

  private DropoutKernels dropout;
  private Tensor x;
  private Tensor y;
  private Tensor mask;
  private long step;

  @Setup(Level.Trial)
  public void setUp() {
    dropout = KernelProviders.of(Backend.fromId(backend)).dropout();
    x = new BenchData(42).uniform(size);
    y = Tensor.zeros(size);
    mask = Tensor.allocate(DType.INT8, size);
    dropout.forward(x, P, SEED, 0, y, mask);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    y.close();
    mask.close();
  }

  @Benchmark
  public Tensor forward(Work work) {
    dropout.forward(x, P, SEED, step++, y, null);
    work.bytes += 2L * size * Float.BYTES;
    return y;
  }

  @Benchmark
  public Tensor forwardWithMask(Work work) {
    dropout.forward(x, P, SEED, step++, y, mask);
    work.bytes += 2L * size * Float.BYTES + size;
    return y;
  }

  @Benchmark
  public Tensor backwardFromMask(Work work) {
    dropout.backward(x, mask, P, y);
    work.bytes += 2L * size * Float.BYTES + size;
    return y;
  }

  @Benchmark
  public Tensor backwardFromSeed(Work work) {
    dropout.backward(x, SEED, 0, P, y);
    work.bytes += 2L * size * Float.BYTES;
    return y;
  }
}
