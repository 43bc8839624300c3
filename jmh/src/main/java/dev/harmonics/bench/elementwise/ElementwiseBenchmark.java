package dev.harmonics.bench.elementwise;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.ElementwiseKernels;
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
 * Elementwise add over [rows, 1024]: same-shape operands (one contiguous row), a bias row
 * broadcast over the rows (forward, and the backward that sums dy over rows into the bias
 * gradient), and in-place accumulation. Memory-bound, so bytes read and written are counted.
 */
@State(Scope.Benchmark)
public class ElementwiseBenchmark extends KernelBenchmark {

  private static final int COLUMNS = 1024;

  @Param({"reference", "simd"})
  String backend;

  /** Rows of 1024 elements: 4 (16 KB, in cache) and 1024 (4 MB, from memory). */
  @Param({"4", "1024"})
  int rows;

  private ElementwiseKernels kernels;
  private Tensor a;
  private Tensor b;
  private Tensor bias;
  private Tensor out;
  private Tensor dBias;
  private long elements;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend)).elementwise();
    SplittableRandom random = new SplittableRandom(42);
    a = Tensor.of(values(random, rows * COLUMNS), rows, COLUMNS);
    b = Tensor.of(values(random, rows * COLUMNS), rows, COLUMNS);
    bias = Tensor.of(values(random, COLUMNS), COLUMNS);
    out = Tensor.zeros(rows, COLUMNS);
    dBias = Tensor.zeros(COLUMNS);
    elements = (long) rows * COLUMNS;
  }

  private static float[] values(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return v;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    a.close();
    b.close();
    bias.close();
    out.close();
    dBias.close();
  }

  @Benchmark
  public Tensor sameShapeAdd(Work work) {
    kernels.add(a, b, out);
    work.bytes += 12 * elements;
    return out;
  }

  @Benchmark
  public Tensor biasAdd(Work work) {
    kernels.add(a, bias, out);
    work.bytes += 8 * elements + 4L * COLUMNS;
    return out;
  }

  @Benchmark
  public Tensor biasGradient(Work work) {
    kernels.backward(BinaryOp.ADD, a, bias, b, null, dBias);
    work.bytes += 4 * elements + 4L * COLUMNS;
    return dBias;
  }

  @Benchmark
  public Tensor accumulate(Work work) {
    kernels.accumulate(a, out);
    work.bytes += 12 * elements;
    return out;
  }
}
