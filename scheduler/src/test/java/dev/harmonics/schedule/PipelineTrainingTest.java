package dev.harmonics.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.data.Producers;
import dev.harmonics.data.SampleSet;
import dev.harmonics.data.SampleSpec;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.partition.DeploymentDescriptor;
import dev.harmonics.partition.Partitioner;
import dev.harmonics.partition.Placement;
import dev.harmonics.partition.TestGraphs;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Partitioned training against the whole graph on one runtime: the same steps, the same result. */
class PipelineTrainingTest {

  private static final long SEED = 42;
  private static final int STEPS = 5;
  private static final int BATCH = 24;
  private final HarmonicGraph graph = TestGraphs.chain();
  private final FitOptions training = FitOptions.defaults().withLearningRate(0.01);

  /** The whole graph trained with gradient accumulation over the same micro-batches. */
  private Map<String, float[]> wholeGraph(KernelProvider kernels, int microBatches,
      List<Double> losses) {
    try (CycleRuntime whole = CycleRuntime.compile(graph, kernels, SEED)) {
      whole.setTrainingOptions(training.withAccumulation(microBatches));
      for (int s = 0; s < STEPS; s++) {
        Map<String, Tensor> batch = TestGraphs.batch(BATCH, s);
        StepResult last = null;
        for (int m = 0; m < microBatches; m++) {
          int from = BATCH * m / microBatches;
          int to = BATCH * (m + 1) / microBatches;
          last = whole.trainStep(Map.of("x", batch.get("x").slice(0, from, to),
              "labels", batch.get("labels").slice(0, from, to)));
        }
        assertTrue(last.updated());
        losses.add(last.loss());
        batch.values().forEach(Tensor::close);
      }
      return snapshot(List.of(whole));
    }
  }

  private static Map<String, float[]> snapshot(List<CycleRuntime> runtimes) {
    Map<String, float[]> out = new TreeMap<>();
    Parameters.byName(runtimes).forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private List<Double> train(DistributedScheduler pipeline) {
    List<Double> losses = new ArrayList<>();
    for (int s = 0; s < STEPS; s++) {
      Map<String, Tensor> batch = TestGraphs.batch(BATCH, s);
      losses.add(pipeline.step(batch).loss());
      batch.values().forEach(Tensor::close);
    }
    return losses;
  }

  private void assertBitIdentical(Map<String, float[]> expected, Map<String, float[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), 0f, name));
  }

  @Test
  void twoPartitionsTrainBitForBitLikeTheWholeGraph() {
    KernelProvider simd = KernelProviders.of(Backend.SIMD);
    List<Double> wholeLosses = new ArrayList<>();
    Map<String, float[]> expected = wholeGraph(simd, 1, wholeLosses);
    try (DistributedScheduler pipeline = DistributedScheduler.create(graph, 2, simd, SEED,
        PipelineOptions.defaults().withMicroBatches(1).withTraining(training))) {
      List<Double> losses = train(pipeline);
      assertBitIdentical(expected, snapshot(pipeline.runtimes()));
      assertEquals(wholeLosses, losses);
      assertTrue(losses.getLast() < losses.getFirst(), "loss falls: " + losses);
    }
  }

  @Test
  void pipelinedMicroBatchesOverFivePartitionsEqualSequentialAccumulation() {
    KernelProvider simd = KernelProviders.of(Backend.SIMD);
    List<Double> wholeLosses = new ArrayList<>();
    Map<String, float[]> expected = wholeGraph(simd, 4, wholeLosses);
    try (DistributedScheduler pipeline = DistributedScheduler.create(graph, 5, simd, SEED,
        PipelineOptions.defaults().withMicroBatches(4).withTraining(training))) {
      List<Double> losses = train(pipeline);
      assertBitIdentical(expected, snapshot(pipeline.runtimes()));
      for (int i = 0; i < STEPS; i++) {
        assertEquals(wholeLosses.get(i), losses.get(i), 1e-6, "step " + i);
      }
    }
  }

  @Test
  void secureModeCarriesAndChecksProofsWithoutChangingTheResult() {
    KernelProvider simd = KernelProviders.of(Backend.SIMD);
    Map<String, float[]> expected = wholeGraph(simd, 2, new ArrayList<>());
    var cut = Partitioner.partitionGraph(graph, 3);
    try (DistributedScheduler pipeline = new DistributedScheduler(cut,
        Collections.nCopies(3, simd), SEED,
        PipelineOptions.defaults().withMicroBatches(2).withTraining(training), true)) {
      pipeline.recordReceived(true);
      train(pipeline);
      assertBitIdentical(expected, snapshot(pipeline.runtimes()));
      List<String> middle = pipeline.received(1);
      // per step: 2 activations from partition 0 and 2 gradients from partition 2
      assertEquals(4 * STEPS, middle.size());
      assertTrue(middle.stream().allMatch(s -> s.endsWith("with proof")), middle.toString());
    }
  }

  @Test
  void simdAndReferencePartitionsTrainLikeTheWholeGraphWithinFloatTolerance() {
    DeploymentDescriptor mixed = DeploymentDescriptor.of(Placement.on(Backend.SIMD),
        Placement.on(Backend.REFERENCE));
    Map<String, float[]> expected = wholeGraph(KernelProviders.of(Backend.SIMD), 2,
        new ArrayList<>());
    try (MultiAcceleratorScheduler pipeline = MultiAcceleratorScheduler.create(graph, mixed, SEED,
        PipelineOptions.defaults().withMicroBatches(2).withTraining(training))) {
      assertEquals(List.of(Backend.SIMD, Backend.REFERENCE), pipeline.backends());
      assertEquals(Backend.SIMD, pipeline.runtimes().get(0).kernels().backend());
      assertEquals(Backend.REFERENCE, pipeline.runtimes().get(1).kernels().backend());
      for (int s = 0; s < STEPS; s++) {
        Map<String, Tensor> batch = TestGraphs.batch(BATCH, s);
        pipeline.step(batch);
        batch.values().forEach(Tensor::close);
      }
      Map<String, float[]> actual = snapshot(pipeline.runtimes());
      // reference and SIMD kernels sum in different orders: a few ulps per step, five steps
      expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), 1e-4f,
          name));
    }
  }

  @Test
  void anUnavailableBackendFailsWithTheReason() {
    DeploymentDescriptor cuda = DeploymentDescriptor.of(Placement.on(Backend.SIMD),
        Placement.on(Backend.CUDA));
    var availability = KernelProviders.availability(Backend.CUDA);
    assumeFalse(availability.available(),
        "this machine has CUDA; the test needs a backend that cannot run");
    var e = assertThrows(IllegalArgumentException.class, () -> MultiAcceleratorScheduler.create(
        graph, cuda, SEED, PipelineOptions.defaults()));
    assertTrue(e.getMessage().startsWith("partition 1: backend 'cuda' is not available here: "
        + availability.reason()), e.getMessage());
  }

  @Test
  void aFailingPartitionStopsTheStepWithItsReasonAndTheSchedulerRefusesMore() {
    try (DistributedScheduler pipeline = DistributedScheduler.create(graph, 3,
        KernelProviders.of(Backend.SIMD), SEED, PipelineOptions.defaults().withMicroBatches(2)
            .withReceiveTimeout(Duration.ofSeconds(5)))) {
      Map<String, Tensor> batch = TestGraphs.batch(BATCH, 0);
      Tensor badLabels = Tensor.ofInts(new int[BATCH], BATCH);
      badLabels.setIntFlat(3, 9);
      var e = assertThrows(RuntimeException.class,
          () -> pipeline.step(Map.of("x", batch.get("x"), "labels", badLabels)));
      assertTrue(String.valueOf(e.getMessage()).contains("9"), e.getMessage());
      var again = assertThrows(IllegalStateException.class, () -> pipeline.step(batch));
      assertTrue(again.getMessage().contains("an earlier step failed"), again.getMessage());
      assertFalse(pipeline.runtimes().isEmpty());
      batch.values().forEach(Tensor::close);
      badLabels.close();
    }
  }
  @Test
  void fitStepsThroughEveryBatchOfEveryEpochLikeTheWholeGraph() {
    KernelProvider simd = KernelProviders.of(Backend.SIMD);
    SampleSet set = samples(96);
    try (DistributedScheduler pipeline = DistributedScheduler.create(graph, 3, simd, SEED,
        PipelineOptions.defaults().withMicroBatches(2).withTraining(training));
        Producer<Batch> data = Producers.batch(Producers.sequential(set), 24, false);
        Producer<Batch> again = Producers.batch(Producers.sequential(set), 24, false);
        CycleRuntime whole = CycleRuntime.compile(graph, simd, SEED)) {
      FitSummary summary = pipeline.fit(data, 3);
      assertEquals(12, summary.steps());
      assertEquals(3, summary.epochLosses().size());
      assertTrue(summary.lastLoss() < summary.epochLosses().getFirst(), summary.toString());
      whole.setTrainingOptions(training.withAccumulation(2));
      for (int epoch = 0; epoch < 3; epoch++, again.reset()) {
        while (again.hasNext()) {
          try (Batch b = again.next()) {
            for (int m = 0; m < 2; m++) {
              whole.trainStep(Map.of("x", b.features().slice(0, 12 * m, 12 * m + 12),
                  "labels", b.labels().slice(0, 12 * m, 12 * m + 12)));
            }
          }
        }
      }
      assertBitIdentical(snapshot(List.of(whole)), snapshot(pipeline.runtimes()));
    }
  }

  /** {@link TestGraphs#batch} as a sample set, for the producers {@code fit} reads. */
  private static SampleSet samples(int n) {
    Map<String, Tensor> b = TestGraphs.batch(n, 99);
    float[] x = b.get("x").toFloatArray();
    int[] labels = b.get("labels").toIntArray();
    b.values().forEach(Tensor::close);
    SampleSpec spec = new SampleSpec(new int[] {12}, 4);
    return new SampleSet() {
      @Override
      public SampleSpec spec() {
        return spec;
      }

      @Override
      public int size() {
        return n;
      }

      @Override
      public void copyFeatures(int index, float[] dst, int offset) {
        System.arraycopy(x, index * 12, dst, offset, 12);
      }

      @Override
      public int label(int index) {
        return labels[index];
      }
    };
  }
}
