package dev.harmonics.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.spark.infer.SparkPredictor;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.spark.testing.Blobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data-parallel training on {@code local[2]}: it learns, it is deterministic, it resumes. */
class DataParallelTrainerTest {

  private static SparkSession spark;
  private static Dataset<Row> data;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = Blobs.localSpark("trainer-test");
    data = Blobs.data(spark, 1200, 4, 7).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static SparkTrainOptions options() {
    return SparkTrainOptions.defaults("features", "label").withBatchSize(32)
        .withMode(SparkTrainOptions.Mode.PARAMETER_AVERAGING, 5).withOptimizer("adam", 0.01);
  }

  private static double accuracy(ModelSnapshot model) {
    Dataset<Row> scored = SparkPredictor.predict(data, model, "features", 64);
    long right = scored.filter("prediction = label").count();
    return right / (double) scored.count();
  }

  @Test
  void parameterAveragingLearnsTheBlobs() {
    DataParallelTrainer.Result result =
        DataParallelTrainer.fit(data, Blobs.graph(), options().withEpochs(3));
    assertEquals(3, result.epochs().size());
    assertTrue(result.epochs().getLast().meanLoss() < result.epochs().getFirst().meanLoss(),
        "loss should fall: " + result.epochs());
    double accuracy = accuracy(result.model());
    assertTrue(accuracy > 0.9, "accuracy " + accuracy);
  }

  @Test
  void gradientAveragingLearnsTheBlobs() {
    DataParallelTrainer.Result result = DataParallelTrainer.fit(data, Blobs.graph(),
        options().withMode(SparkTrainOptions.Mode.GRADIENT_AVERAGING, 2).withEpochs(3));
    double accuracy = accuracy(result.model());
    assertTrue(accuracy > 0.9, "accuracy " + accuracy);
  }

  @Test
  void theSameSeedGivesTheSameModelBitForBit() {
    SparkTrainOptions o = options().withEpochs(1);
    String first = DataParallelTrainer.fit(data, Blobs.graph(), o).model().id();
    String again = DataParallelTrainer.fit(data, Blobs.graph(), o).model().id();
    String otherSeed =
        DataParallelTrainer.fit(data, Blobs.graph(), o.withSeed(43)).model().id();
    assertEquals(first, again);
    assertNotEquals(first, otherSeed);
  }

  @Test
  void resumingFromAnEpochCheckpointEndsWhereAnUninterruptedRunEnds() throws IOException {
    String checkpoints = dir.resolve("checkpoints").toUri().toString();
    SparkTrainOptions o = options().withCheckpointDir(checkpoints);
    DataParallelTrainer.fit(data, Blobs.graph(), o.withEpochs(1));
    assertTrue(Files.exists(dir.resolve("checkpoints/epoch-00001.hspk")));
    DataParallelTrainer.Result resumed =
        DataParallelTrainer.resume(data, Blobs.graph(), o.withEpochs(2));
    assertEquals(1, resumed.epochs().size(), "only epoch 2 should run");
    String straight = DataParallelTrainer.fit(data, Blobs.graph(),
        options().withEpochs(2)).model().id();
    assertEquals(straight, resumed.model().id());
  }

  @Test
  void aCorruptedCheckpointIsRefusedAndResumeFallsBackToTheEarlierOne() throws IOException {
    String checkpoints = dir.resolve("ck").toUri().toString();
    DataParallelTrainer.fit(data, Blobs.graph(),
        options().withCheckpointDir(checkpoints).withEpochs(2));
    Path second = dir.resolve("ck/epoch-00002.hspk");
    byte[] bytes = Files.readAllBytes(second);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(second, bytes);
    var conf = spark.sparkContext().hadoopConfiguration();
    IOException e = assertThrows(IOException.class,
        () -> SparkCheckpoints.read(second.toUri().toString(), conf));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    Files.write(dir.resolve("ck/epoch-00003.hspk"), new byte[] {1, 2, 3});
    assertEquals(1, SparkCheckpoints.latest(checkpoints, conf).orElseThrow().epoch());
  }

  @Test
  void badRowsAndSettingsAreRefusedWithTheReason() {
    Dataset<Row> wide = spark.sql("SELECT array(1.0f, 2.0f) AS features, 0 AS label");
    Exception e = assertThrows(Exception.class,
        () -> DataParallelTrainer.fit(wide, Blobs.graph(), options()));
    assertTrue(String.valueOf(rootMessage(e)).contains("expected: 4"), rootMessage(e));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> options().withOptimizer("adagrad", 0.1));
    assertTrue(bad.getMessage().contains("adagrad"), bad.getMessage());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
