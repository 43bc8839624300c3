package dev.harmonics.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.spark.testing.Blobs;
import dev.harmonics.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A two-stage pipeline as two barrier tasks on {@code local[2]} (barrier mode needs a slot per
 * stage), joined over loopback TCP. About 30 s for the class on two loaded cores: each round
 * starts the two stages' sockets afresh.
 */
class PipelineTrainerTest {

  /** Pipeline and whole graph run the same kernels on the same values; only threads differ. */
  static final float TOLERANCE = 1e-5f;

  private static SparkSession spark;
  private static Dataset<Row> data;

  @BeforeAll
  static void start() {
    spark = Blobs.localSpark("pipeline-test");
    data = Blobs.data(spark, 600, 1, 11).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkPipelineOptions options() {
    return SparkPipelineOptions.defaults().withBatchSize(32).withLearningRate(0.1)
        .withSyncEvery(100).withEpochs(1);
  }

  /**
   * The whole graph trained on {@code rows} as one pipeline replica would: the replica's sample
   * order, gradients accumulated over the micro-batches of each step, one SGD update per step.
   */
  static float[][] wholeGraph(List<Row> rows, int replica, SparkPipelineOptions o) {
    PartitionData d = PartitionData.pack(replica, rows.iterator(), 4);
    int[] order = PartitionTrainer.order(d.samples(), o.seed(), 0, replica);
    try (CycleRuntime whole = CycleRuntime.compile(Blobs.graph(), KernelProviders.get(),
        o.seed())) {
      whole.setTrainingOptions(PipelineTrainer.training(o).withAccumulation(o.microBatches()));
      int half = o.batchSize() / o.microBatches();
      for (int b = 0; b < d.samples() / o.batchSize(); b++) {
        for (int m = 0; m < o.microBatches(); m++) {
          int from = b * o.batchSize() + m * half;
          try (Tensor x = PartitionTrainer.features(d, order, from, from + half, new int[] {4});
              Tensor y = PartitionTrainer.labels(d, order, from, from + half)) {
            whole.trainStep(Map.of("x", x, "label", y));
          }
        }
      }
      return ModelSnapshot.capture(whole, null).values();
    }
  }

  @Test
  void twoStagesTrainLikeTheWholeGraph() {
    PipelineTrainer.Result result = PipelineTrainer.fit(data, "features", "label",
        Blobs.graph(), options());
    float[][] expected = wholeGraph(data.collectAsList(), 0, options());
    ModelSnapshot model = result.model();
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], model.values()[i], TOLERANCE, model.names()[i]);
    }
    assertTrue(result.epochLosses().getFirst() < Math.log(3), "learns: " + result.epochLosses());
    assertEquals(0, result.verifiedProofs(), "no proofs outside secure mode");
  }

  @Test
  void secureModeProofsVerifyOnTheDriver() {
    PipelineTrainer.Result result = PipelineTrainer.fit(data, "features", "label",
        Blobs.graph(), options().withSecure(true).withSyncEvery(5));
    // four parameter arrays (two dense layers), proven by their stages, in each of four rounds
    assertEquals(4 * 4, result.verifiedProofs());
    assertFalse(result.received().isEmpty());
    result.received().forEach(line -> assertTrue(line.endsWith("with proof"), line));
    float[][] expected = wholeGraph(data.collectAsList(), 0, options());
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], result.model().values()[i], TOLERANCE);
    }
  }

  @Test
  void dataWithoutAFullBatchIsRefused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> PipelineTrainer.fit(data, "features", "label", Blobs.graph(),
            options().withBatchSize(1000)));
    assertTrue(e.getMessage().contains("full batch of 1000"), e.getMessage());
  }
}
