package dev.harmonics.bench.pool;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.kernel.PoolKernels;
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
 * Windowed max and average pooling, forward and backward, in GB/s: the bytes of every tensor a
 * call reads plus the bytes it writes (argmax indices included). Layers: the 3x3 stride-2 max pool
 * after a ResNet stem, and the 2x2 stride-2 pool of a Fashion-MNIST CNN over a batch of 32.
 */
@State(Scope.Benchmark)
public class Pool2dBenchmark extends KernelBenchmark {

  /** One pooling layer: input shape and window. */
  public enum Layer {
    RESNET_STEM_3X3_S2(new int[] {1, 64, 112, 112}, Pool2dParams.of(3, 2, 1)),
    FASHION_2X2_S2(new int[] {32, 32, 28, 28}, Pool2dParams.of(2, 2));

    final int[] input;
    final Pool2dParams params;

    Layer(int[] input, Pool2dParams params) {
      this.input = input;
      this.params = params;
    }

    int[] output() {
      return new int[] {input[0], input[1], params.outputHeight(input[2]),
          params.outputWidth(input[3])};
    }
  }

  @Param({"reference", "simd"})
  public String backend;

  @Param({"RESNET_STEM_3X3_S2", "FASHION_2X2_S2"})
  public Layer layer;

  private PoolKernels pool;
  private Tensor x;
  private Tensor y;
  private Tensor indices;
  private Tensor dy;
  private Tensor dx;
  private long inBytes;
  private long outBytes;

  @Setup(Level.Trial)
  public void setUp() {
    pool = KernelProviders.of(Backend.fromId(backend)).pool();
    x = new BenchData(42).uniform(0f, 1f, layer.input);
    y = Tensor.zeros(layer.output());
    indices = Tensor.allocate(DType.INT32, layer.output());
    dy = Tensor.zeros(layer.output()).fill(1f);
    dx = Tensor.zeros(layer.input);
    pool.maxPool2dForward(x, layer.params, y, indices);
    inBytes = (long) x.size() * Float.BYTES;
    outBytes = (long) y.size() * Float.BYTES;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (Tensor t : new Tensor[] {x, y, indices, dy, dx}) {
      t.close();
    }
  }

  @Benchmark
  public Tensor maxForward(Work work) {
    pool.maxPool2dForward(x, layer.params, y, indices);
    work.bytes += inBytes + 2 * outBytes;
    return y;
  }

  @Benchmark
  public Tensor maxBackward(Work work) {
    pool.maxPool2dBackward(dy, indices, dx);
    work.bytes += 2 * outBytes + inBytes;
    return dx;
  }

  @Benchmark
  public Tensor avgForward(Work work) {
    pool.avgPool2dForward(x, layer.params, y);
    work.bytes += inBytes + outBytes;
    return y;
  }

  @Benchmark
  public Tensor avgBackward(Work work) {
    pool.avgPool2dBackward(dy, layer.params, dx);
    work.bytes += outBytes + inBytes;
    return dx;
  }
}
