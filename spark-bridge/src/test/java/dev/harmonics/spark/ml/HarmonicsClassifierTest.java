package dev.harmonics.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.spark.infer.SparkPredictor;
import dev.harmonics.spark.testing.Blobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimator and model API on {@code local[2]}: fit, transform, save and load. */
class HarmonicsClassifierTest {

  private static SparkSession spark;
  private static Dataset<Row> data;
  private static HarmonicsClassificationModel fitted;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = Blobs.localSpark("ml-test");
    data = Blobs.data(spark, 600, 2, 3).cache();
    fitted = new HarmonicsClassifier(Blobs.graph()).setEpochs(2).setBatch(32).setLr(0.01)
        .setPredictionCol("predicted").fit(data);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static List<Row> predictions(Dataset<Row> scored, String column) {
    return scored.select("features", column, SparkPredictor.PROBABILITIES)
        .orderBy("features").collectAsList();
  }

  @Test
  void transformEqualsPredictAndLearns() {
    Dataset<Row> scored = fitted.transform(data);
    assertEquals(predictions(SparkPredictor.predict(data, fitted.snapshot(), "features", 32),
        SparkPredictor.PREDICTION), predictions(scored, "predicted"));
    double accuracy = scored.filter("predicted = label").count() / (double) data.count();
    assertTrue(accuracy > 0.9, "accuracy " + accuracy);
  }

  @Test
  void saveAndLoadRoundTrip() throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String path = dir.resolve("model").toUri().toString();
    fitted.save(path, conf);
    HarmonicsClassificationModel loaded = HarmonicsClassificationModel.load(path, conf);
    assertEquals(fitted.uid(), loaded.uid());
    assertEquals("predicted", loaded.getPredictionCol());
    assertEquals(fitted.snapshot().id(), loaded.snapshot().id());
    for (int i = 0; i < fitted.snapshot().values().length; i++) {
      assertArrayEquals(fitted.snapshot().values()[i], loaded.snapshot().values()[i], 0f);
    }
    assertEquals(predictions(fitted.transform(data), "predicted"),
        predictions(loaded.transform(data), "predicted"));
  }

  @Test
  void loadingWhatIsNoModelNamesThePath() throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path empty = Files.createDirectories(dir.resolve("empty"));
    var e = assertThrows(IOException.class,
        () -> HarmonicsClassificationModel.load(empty.toUri().toString(), conf));
    assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("metadata"),
        e.getMessage());
  }

  @Test
  void aMissingColumnIsNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new HarmonicsClassifier(Blobs.graph()).setLabelCol("class").fit(data));
    assertTrue(e.getMessage().contains("'class'"), e.getMessage());
    var t = assertThrows(IllegalArgumentException.class,
        () -> fitted.transform(data.drop("features")));
    assertTrue(t.getMessage().contains("'features'"), t.getMessage());
  }
}
