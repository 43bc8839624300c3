package dev.harmonics.spark.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.spark.model.ExecutorModels;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.spark.testing.Blobs;
import dev.harmonics.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inference on batch and streaming DataFrames against the runtime called directly. */
class SparkPredictorTest {

  private static SparkSession spark;
  private static ModelSnapshot model;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = Blobs.localSpark("predictor-test");
    try (CycleRuntime runtime =
        CycleRuntime.compile(Blobs.graph(), KernelProviders.get(), 5)) {
      model = ModelSnapshot.capture(runtime, null);
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** What the runtime itself says for one row: the arg-max class. */
  private static int expected(Row row) {
    List<Object> values = row.getList(0);
    float[] x = new float[values.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Number) values.get(i)).floatValue();
    }
    try (CycleRuntime runtime = model.open(KernelProviders.get());
        Tensor in = Tensor.of(x, 1, x.length)) {
      Map<String, Tensor> out = runtime.infer(Map.of("x", in));
      float[] p = out.get("p").toFloatArray();
      out.values().forEach(Tensor::close);
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        best = p[c] > p[best] ? c : best;
      }
      return best;
    }
  }

  @Test
  void everyRowGetsTheRuntimesPredictionInBatches() {
    Dataset<Row> data = Blobs.data(spark, 301, 3, 11);
    List<Row> scored = SparkPredictor.predict(data, model, "features", 16).collectAsList();
    assertEquals(301, scored.size());
    int prediction = scored.getFirst().fieldIndex(SparkPredictor.PREDICTION);
    int probabilities = scored.getFirst().fieldIndex(SparkPredictor.PROBABILITIES);
    for (Row row : scored.subList(0, 40)) {
      assertEquals(expected(row), row.getInt(prediction));
      List<Object> p = row.getList(probabilities);
      double total = p.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
      assertEquals(1.0, total, 1e-5);
    }
  }

  @Test
  void theModelIsLoadedOncePerExecutorNotPerTask() {
    ModelSnapshot fresh;
    try (CycleRuntime runtime =
        CycleRuntime.compile(Blobs.graph(), KernelProviders.get(), 99)) {
      fresh = ModelSnapshot.capture(runtime, null);
    }
    int before = ExecutorModels.loads();
    Dataset<Row> data = Blobs.data(spark, 400, 8, 12);
    assertEquals(400, SparkPredictor.predict(data, fresh, "features", 32).count());
    assertEquals(400, SparkPredictor.predict(data, fresh, "features", 32).count());
    int built = ExecutorModels.loads() - before;
    assertTrue(built >= 1 && built <= 2,
        "16 tasks on local[2] should build at most one runtime per concurrent task: " + built);
  }

  @Test
  void streamingDataFramesArePredictedToo() throws Exception {
    Path input = dir.resolve("in");
    Blobs.data(spark, 90, 2, 13).write().json(input.toString());
    Dataset<Row> stream = spark.readStream().schema(Blobs.SCHEMA).json(input.toString());
    StreamingQuery query = SparkPredictor.predict(stream, model, "features", 8)
        .writeStream().format("memory").queryName("predicted")
        .trigger(Trigger.AvailableNow()).start();
    assertTrue(query.awaitTermination(TimeUnit.SECONDS.toMillis(120)), "stream did not finish");
    List<Row> rows = spark.table("predicted").collectAsList();
    assertEquals(90, rows.size());
    int prediction = rows.getFirst().fieldIndex(SparkPredictor.PREDICTION);
    for (Row row : rows.subList(0, 10)) {
      assertEquals(expected(row), row.getInt(prediction));
    }
  }
}
