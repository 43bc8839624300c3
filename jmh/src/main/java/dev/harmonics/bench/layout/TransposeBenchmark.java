package dev.harmonics.bench.layout;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.KernelBackend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Materialising {@code x.transpose(0, 1)} of a float32 matrix: the 2-D transpose kernel. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TransposeBenchmark {

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
    layout = KernelProviders.of(KernelBackend.fromId(backend)).layout();
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
