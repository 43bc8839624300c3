package dev.harmonics.bench.reduction;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.ReductionKernels;
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
 * Reductions of a [rows, 1024] tensor: sum over everything, sum of each row (the last axis, a
 * horizontal reduction), sum of each column (axis 0, vertical, as for a bias gradient), max of
 * each row, and the max backward. Bytes count the input read plus the output written.
 */
@State(Scope.Benchmark)
public class ReductionBenchmark extends KernelBenchmark {

  private static final int COLUMNS = 1024;

  @Param({"reference", "simd"})
  String backend;

  /** Rows of 1024 elements: 4 (16 KB, in cache) and 1024 (4 MB, from memory). */
  @Param({"4", "1024"})
  int rows;

  private ReductionKernels kernels;
  private Tensor x;
  private Tensor dx;
  private Tensor all;
  private Tensor perRow;
  private Tensor perRowGrad;
  private Tensor perColumn;
  private long inputBytes;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = KernelProviders.of(Backend.fromId(backend)).reductions();
    SplittableRandom random = new SplittableRandom(42);
    float[] values = new float[rows * COLUMNS];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    x = Tensor.of(values, rows, COLUMNS);
    dx = Tensor.zeros(rows, COLUMNS);
    all = Tensor.zeros();
    perRow = Tensor.zeros(rows);
    perRowGrad = Tensor.zeros(rows).fill(1f);
    perColumn = Tensor.zeros(COLUMNS);
    inputBytes = 4L * rows * COLUMNS;
    kernels.max(x, perRow, 1);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    dx.close();
    all.close();
    perRow.close();
    perRowGrad.close();
    perColumn.close();
  }

  @Benchmark
  public Tensor sumAll(Work work) {
    kernels.sum(x, all, 0, 1);
    work.bytes += inputBytes + 4;
    return all;
  }

  @Benchmark
  public Tensor sumRows(Work work) {
    kernels.sum(x, perRow, 1);
    work.bytes += inputBytes + 4L * rows;
    return perRow;
  }

  @Benchmark
  public Tensor sumColumns(Work work) {
    kernels.sum(x, perColumn, 0);
    work.bytes += inputBytes + 4L * COLUMNS;
    return perColumn;
  }

  @Benchmark
  public Tensor maxRows(Work work) {
    kernels.max(x, perRow, 1);
    work.bytes += inputBytes + 4L * rows;
    return perRow;
  }

  /** Reads x, y and dy, writes dx (zeroed in full, then one element per row). */
  @Benchmark
  public Tensor maxRowsBackward(Work work) {
    kernels.maxBackward(x, perRow, perRowGrad, dx, 1);
    work.bytes += 2 * inputBytes + 8L * rows;
    return dx;
  }
}
