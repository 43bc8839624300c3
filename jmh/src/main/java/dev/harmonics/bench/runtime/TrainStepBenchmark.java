package dev.harmonics.bench.runtime;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import java.util.Map;
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


  @Param({"simd", "reference"})
  public String backend;

  @Param({"64", "256"})
  public int batch;

  private CycleRuntime runtime;
  private Map<String, Tensor> inputs;
  private long flopsPerStep;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    HarmonicGraph graph = FashionMlpStep.graph();
    runtime = CycleRuntime.compile(graph, KernelProviders.of(Backend.fromId(backend)), 1);
    inputs = FashionMlpStep.inputs(batch);
    flopsPerStep = FashionMlpStep.flops(batch);
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
