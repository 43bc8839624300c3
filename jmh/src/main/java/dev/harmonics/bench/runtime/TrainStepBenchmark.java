package dev.harmonics.bench.runtime;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One training step of examples/fashion_mlp.harp (784-256-128-10, Adam) on a fixed batch of
 * Fashion-MNIST-shaped data: forward, fused softmax cross-entropy, backward, gradient norm and
 * the Adam update, as {@code ./harmonics train} runs them. FLOPs counted are the GEMMs' (forward
 * {@code 2·B·W}, weight gradients {@code 2·B·W}, input gradients of the second and third layers);
 * samples per second is the step rate times the batch. The data pipeline is not included (see
 * {@code BatchPipelineBenchmark}).
 */
@State(Scope.Benchmark)
public class TrainStepBenchmark extends KernelBenchmark {

  private static final int[] WIDTHS = {784, 256, 128, 10};

  @Param({"simd", "reference"})
  public String backend;

  @Param({"64", "256"})
  public int batch;

  private CycleRuntime runtime;
  private Map<String, Tensor> inputs;
  private long flopsPerStep;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path home = Path.of(System.getProperty("harmonics.home", "."));
    HarmonicGraph graph = HarpParser.parse(home.resolve("examples/fashion_mlp.harp"));
    runtime = CycleRuntime.compile(graph, KernelProviders.of(Backend.fromId(backend)), 1);
    Random random = new Random(1);
    float[] pixels = new float[batch * WIDTHS[0]];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = random.nextInt(10);
    }
    inputs = Map.of("images", Tensor.of(pixels, batch, WIDTHS[0]),
        "labels", Tensor.ofInts(labels, batch));
    long weights = 0;
    long innerInputs = 0;
    for (int l = 0; l + 1 < WIDTHS.length; l++) {
      long w = (long) WIDTHS[l] * WIDTHS[l + 1];
      weights += w;
      innerInputs += l > 0 ? w : 0;
    }
    flopsPerStep = (long) batch * (4 * weights + 2 * innerInputs);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
    inputs.values().forEach(Tensor::close);
  }

  @Benchmark
  public StepResult step(Work work) {
    work.flops += flopsPerStep;
    return runtime.trainStep(inputs);
  }
}
