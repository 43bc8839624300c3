package dev.harmonics.bench.layout;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Padding the spatial dimensions of an NCHW activation by one pixel on every side, as a 3x3
 * convolution with "same" padding needs, and the gradient of that pad.
 */
@State(Scope.Benchmark)
public class PadBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"CONSTANT", "REFLECT"})
  public String mode;

  /** Height and width of each image; 8 images of 64 channels. */
  @Param({"56"})
  public int size;

  private static final int[] BEFORE = {0, 0, 1, 1};
  private static final int[] AFTER = {0, 0, 1, 1};

  private LayoutKernels layout;
  private PadMode padMode;
  private Tensor x;
  private Tensor y;
  private Tensor dx;

  @Setup(Level.Trial)
  public void setUp() {
    layout = KernelProviders.of(Backend.fromId(backend)).layout();
    padMode = PadMode.valueOf(mode);
    x = new BenchData(42).uniform(8, 64, size, size);
    y = Tensor.zeros(8, 64, size + 2, size + 2);
    dx = Tensor.zeros(8, 64, size, size);
    layout.pad(x, BEFORE, AFTER, padMode, 0f, y);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    y.close();
    dx.close();
  }

  @Benchmark
  public Tensor pad(Work work) {
    layout.pad(x, BEFORE, AFTER, padMode, 0f, y);
    work.bytes += (long) (x.size() + y.size()) * Float.BYTES;
    return y;
  }

  @Benchmark
  public Tensor padBackward(Work work) {
    layout.padBackward(y, BEFORE, AFTER, padMode, dx);
    work.bytes += (long) (x.size() + y.size()) * Float.BYTES;
    return dx;
  }
}
