package dev.harmonics.spark.ml;

import dev.harmonics.spark.infer.SparkPredictor;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.spark.train.SparkCheckpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A fitted {@link HarmonicsClassifier}: {@link #transform} adds the predicted class (in the
 * prediction column) and the class probabilities ({@value SparkPredictor#PROBABILITIES}).
 * {@link #save} writes a directory on any Hadoop file system: {@code metadata.properties} (the
 * params) and {@code model/}, a checksummed Spark checkpoint of the model.
 */
public final class HarmonicsClassificationModel {

  private static final String METADATA = "metadata.properties";
  private static final String MODEL_DIR = "model";

  private final String uid;
  private final ModelSnapshot model;
  private final String featuresCol;
  private final String predictionCol;
  private final int batch;

  HarmonicsClassificationModel(String uid, ModelSnapshot model, String featuresCol,
      String predictionCol, int batch) {
    this.uid = uid;
    this.model = model;
    this.featuresCol = featuresCol;
    this.predictionCol = predictionCol;
    this.batch = batch;
  }

  /** The estimator's identifier. */
  public String uid() {
    return uid;
  }

  /** The trained model, for {@link SparkPredictor} or for checkpoints. */
  public ModelSnapshot snapshot() {
    return model;
  }

  /** The featuresCol param. */
  public String getFeaturesCol() {
    return featuresCol;
  }

  /** The predictionCol param. */
  public String getPredictionCol() {
    return predictionCol;
  }

  /** {@code data} with the prediction and probability columns added. */
  public Dataset<Row> transform(Dataset<Row> data) {
    if (!Arrays.asList(data.columns()).contains(featuresCol)) {
      throw new IllegalArgumentException("column '" + featuresCol + "' is not in the data "
          + "(columns: " + Arrays.toString(data.columns()) + ")");
    }
    Dataset<Row> scored = SparkPredictor.predict(data, model, featuresCol, batch);
    return predictionCol.equals(SparkPredictor.PREDICTION) ? scored
        : scored.withColumnRenamed(SparkPredictor.PREDICTION, predictionCol);
  }

  /** Writes the model to the directory {@code path}, replacing an earlier save there. */
  public void save(String path, Configuration conf) throws IOException {
    Path dir = new Path(path);
    FileSystem fs = dir.getFileSystem(conf);
    if (fs.exists(dir)) {
      fs.delete(dir, true);
    }
    SparkCheckpoints.write(new Path(dir, MODEL_DIR).toString(), 1, model, conf);
    Properties params = new Properties();
    params.setProperty("uid", uid);
    params.setProperty("featuresCol", featuresCol);
    params.setProperty("predictionCol", predictionCol);
    params.setProperty("batch", Integer.toString(batch));
    try (OutputStream out = fs.create(new Path(dir, METADATA), false)) {
      params.store(out, "Harmonics classification model");
    }
  }

  /**
   * Reads a model {@link #save} wrote.
   *
   * @throws IOException naming the path when it holds no saved model or a damaged one
   */
  public static HarmonicsClassificationModel load(String path, Configuration conf)
      throws IOException {
    Path dir = new Path(path);
    FileSystem fs = dir.getFileSystem(conf);
    Path metadata = new Path(dir, METADATA);
    if (!fs.exists(metadata)) {
      throw new IOException(path + ": no " + METADATA + " (expected: a directory written by "
          + "HarmonicsClassificationModel.save)");
    }
    Properties params = new Properties();
    try (InputStream in = fs.open(metadata)) {
      params.load(in);
    }
    var checkpoint = SparkCheckpoints.latest(new Path(dir, MODEL_DIR).toString(), conf)
        .orElseThrow(() -> new IOException(path + ": no intact model under " + MODEL_DIR + "/"));
    String batch = params.getProperty("batch", "");
    try {
      return new HarmonicsClassificationModel(params.getProperty("uid"), checkpoint.model(),
          required(params, "featuresCol", path), required(params, "predictionCol", path),
          Integer.parseInt(batch));
    } catch (NumberFormatException e) {
      throw new IOException(path + ": " + METADATA + " has batch '" + batch
          + "' (expected: a whole number)", e);
    }
  }

  private static String required(Properties params, String key, String path) throws IOException {
    String value = params.getProperty(key);
    if (value == null) {
      throw new IOException(path + ": " + METADATA + " lacks '" + key + "'");
    }
    return value;
  }
}
