package dev.harmonics.bench.layout;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Materialising {@code x.transpose(0, 1)} of a float32 matrix: the 2-D transpose kernel. */
@State(Scope.Benchmark)
public class TransposeBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  /** Rows x columns of the source matrix. */
  @Param({"1024x1024", "4096x256"})
  public String shape;

  private LayoutKernels layout;
  private Tensor x;
  private Tensor view;
  private Tensor y;

  @Setup(Level.Trial)
  public void setUp() {
    layout = KernelProviders.of(Backend.fromId(backend)).layout();
    int[] dims = BenchData.dims(shape);
    int rows = dims[0];
    int cols = dims[1];
    x = new BenchData(42).uniform(rows, cols);
    view = x.transpose(0, 1);
    y = Tensor.zeros(cols, rows);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    y.close();
  }

  @Benchmark
  public Tensor transpose(Work work) {
    layout.copy(view, y);
    work.bytes += 2L * x.size() * Float.BYTES;
    return y;
  }
}
