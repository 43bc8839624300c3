package dev.harmonics.bench.schedule;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.bench.runtime.FashionMlpStep;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.schedule.DistributedScheduler;
import dev.harmonics.schedule.PipelineOptions;
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
 * One pipelined training step of examples/fashion_mlp.harp through a {@link DistributedScheduler}
 * (a thread per partition, buses between them) on a fixed batch of 256, against the same step on
 * one partition: what cutting, the bus hand-offs and the recomputed forwards cost or gain. The
 * FLOPs counted are those of the whole graph's step (recomputation is overhead, not work), so
 * GFLOP/s compare directly with {@code TrainStepBenchmark}.
 */
@State(Scope.Benchmark)
public class PipelineStepBenchmark extends KernelBenchmark {

  private static final int BATCH = 256;

  @Param({"1", "2", "3"})
  public int partitions;

  @Param({"1", "4"})
  public int microBatches;

  private DistributedScheduler pipeline;
  private Map<String, Tensor> inputs;
  private long flopsPerStep;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    HarmonicGraph graph = FashionMlpStep.graph();
    pipeline = DistributedScheduler.create(graph, partitions, KernelProviders.of(Backend.SIMD), 1,
        PipelineOptions.defaults().withMicroBatches(microBatches)
            .withTraining(FitOptions.defaults()));
    inputs = FashionMlpStep.inputs(BATCH);
    flopsPerStep = FashionMlpStep.flops(BATCH);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pipeline.close();
    inputs.values().forEach(Tensor::close);
  }

  @Benchmark
  public StepResult step(Work work) {
    work.flops += flopsPerStep;
    return pipeline.step(inputs);
  }
}
