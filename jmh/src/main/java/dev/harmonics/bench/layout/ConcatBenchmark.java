package dev.harmonics.bench.layout;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Concatenating three float32 {@code [32, 64, width]} tensors along one axis, and the split that
 * undoes it. Axis 1 moves pieces of {@code 64 * width} floats; the last axis pieces of only
 * {@code width} floats, which stresses the per-piece overhead.
 */
@State(Scope.Benchmark)
public class ConcatBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"1", "2"})
  public int axis;

  @Param({"256"})
  public int width;

  private static final int PARTS = 3;

  private LayoutKernels layout;
  private final List<Tensor> inputs = new ArrayList<>();
  private final List<Tensor> outputs = new ArrayList<>();
  private Tensor y;

  @Setup(Level.Trial)
  public void setUp() {
    layout = KernelProviders.of(Backend.fromId(backend)).layout();
    BenchData random = new BenchData(42);
    for (int k = 0; k < PARTS; k++) {
      inputs.add(random.uniform(32, 64, width));
      outputs.add(Tensor.zeros(32, 64, width));
    }
    int[] joined = {32, 64, width};
    joined[axis] *= PARTS;
    y = Tensor.zeros(joined);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    inputs.forEach(Tensor::close);
    outputs.forEach(Tensor::close);
    y.close();
  }

  @Benchmark
  public Tensor concat(Work work) {
    layout.concat(inputs, axis, y);
    work.bytes += 2L * y.size() * Float.BYTES;
    return y;
  }

  @Benchmark
  public List<Tensor> split(Work work) {
    layout.split(y, axis, outputs);
    work.bytes += 2L * y.size() * Float.BYTES;
    return outputs;
  }
}
