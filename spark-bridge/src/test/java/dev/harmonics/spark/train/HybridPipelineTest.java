package dev.harmonics.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.spark.testing.Blobs;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hybrid training: a two-stage pipeline replicated over two data shards, four barrier tasks at
 * once, so this class runs on {@code local[4]} (four task slots; the machine's cores do not
 * matter). About twenty seconds.
 */
class HybridPipelineTest {

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().appName("hybrid-test").master("local[4]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void replicasAreAveragedLikeTwoWholeGraphs() {
    var data = Blobs.data(spark, 400, 2, 5).cache();
    SparkPipelineOptions o = PipelineTrainerTest.options();
    PipelineTrainer.Result result = PipelineTrainer.fit(data, "features", "label",
        Blobs.graph(), o);
    List<List<Row>> shards = data.javaRDD().glom().collect();
    float[][] first = PipelineTrainerTest.wholeGraph(shards.get(0), 0, o);
    float[][] second = PipelineTrainerTest.wholeGraph(shards.get(1), 1, o);
    for (int i = 0; i < first.length; i++) {
      float[] mean = new float[first[i].length];
      for (int j = 0; j < mean.length; j++) {
        mean[j] = (float) (((double) first[i][j] + second[i][j]) / 2);
      }
      assertArrayEquals(mean, result.model().values()[i], PipelineTrainerTest.TOLERANCE,
          result.model().names()[i]);
    }
  }
}
