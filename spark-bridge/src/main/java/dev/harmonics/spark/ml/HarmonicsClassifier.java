package dev.harmonics.spark.ml;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.graph.harp.HarpWriter;
import dev.harmonics.spark.train.DataParallelTrainer;
import dev.harmonics.spark.train.SparkTrainOptions;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An estimator in the shape of Spark ML's: set its params, {@link #fit} a {@code Dataset<Row>},
 * get a {@link HarmonicsClassificationModel} that {@code transform}s DataFrames and saves to a
 * Hadoop path. It does not extend {@code org.apache.spark.ml.Estimator} because no spark-mllib
 * release runs on the Spark line we build on (see {@code docs/spark.md}); the features column is
 * an array of numbers, which {@code functions.array(...)} builds where a pipeline would use a
 * {@code VectorAssembler}.
 *
 * <p>Training is {@link DataParallelTrainer}: one task per data partition, exact averaging.
 */
public final class HarmonicsClassifier {

  private final String uid;
  private String graph;
  private String featuresCol = "features";
  private String labelCol = "label";
  private String predictionCol = "prediction";
  private int epochs = 1;
  private int batch = 64;
  private double lr = 1e-3;
  private String optimizer = "adam";
  private SparkTrainOptions.Mode mode = SparkTrainOptions.Mode.PARAMETER_AVERAGING;
  private int syncEvery = 50;
  private long seed = 42;

  /** A classifier training {@code graph} (one input producer, one loss tap on the class index). */
  public HarmonicsClassifier(HarmonicGraph graph) {
    this.uid = "harmonicsClassifier_" + UUID.randomUUID().toString().substring(0, 12);
    this.graph = HarpWriter.write(Objects.requireNonNull(graph, "graph"));
  }

  /** Spark ML's identifier of this stage. */
  public String uid() {
    return uid;
  }

  /** Trains on {@code data} and returns the fitted model. */
  public HarmonicsClassificationModel fit(Dataset<Row> data) {
    for (String column : new String[] {featuresCol, labelCol}) {
      if (!Arrays.asList(data.columns()).contains(column)) {
        throw new IllegalArgumentException("column '" + column + "' is not in the data (columns: "
            + Arrays.toString(data.columns()) + ")");
      }
    }
    SparkTrainOptions options = SparkTrainOptions.defaults(featuresCol, labelCol)
        .withEpochs(epochs).withBatchSize(batch).withMode(mode, syncEvery)
        .withOptimizer(optimizer, lr).withSeed(seed);
    var result = DataParallelTrainer.fit(data, HarpParser.parse(graph, uid), options);
    return new HarmonicsClassificationModel(uid, result.model(), featuresCol, predictionCol,
        batch);
  }

  /** Sets the featuresCol param. */
  public HarmonicsClassifier setFeaturesCol(String column) {
    featuresCol = Objects.requireNonNull(column, "featuresCol");
    return this;
  }

  /** Sets the labelCol param. */
  public HarmonicsClassifier setLabelCol(String column) {
    labelCol = Objects.requireNonNull(column, "labelCol");
    return this;
  }

  /** Sets the predictionCol param. */
  public HarmonicsClassifier setPredictionCol(String column) {
    predictionCol = Objects.requireNonNull(column, "predictionCol");
    return this;
  }

  /** Passes over the data (validated with the other settings when {@link #fit} runs). */
  public HarmonicsClassifier setEpochs(int n) {
    epochs = n;
    return this;
  }

  /** Mini-batch size for training, and rows per batch when the model scores. */
  public HarmonicsClassifier setBatch(int n) {
    batch = n;
    return this;
  }

  /** Sets the lr param. */
  public HarmonicsClassifier setLr(double rate) {
    lr = rate;
    return this;
  }

  /** sgd, adam, adamw, rmsprop or lamb. */
  public HarmonicsClassifier setOptimizer(String name) {
    optimizer = Objects.requireNonNull(name, "optimizer");
    return this;
  }

  /** How tasks' work is combined, every {@code every} mini-batches. */
  public HarmonicsClassifier setMode(SparkTrainOptions.Mode m, int every) {
    mode = Objects.requireNonNull(m, "mode");
    syncEvery = every;
    return this;
  }

  /** Sets the seed param. */
  public HarmonicsClassifier setSeed(long s) {
    seed = s;
    return this;
  }

  /** The featuresCol param. */
  public String getFeaturesCol() {
    return featuresCol;
  }

  /** The labelCol param. */
  public String getLabelCol() {
    return labelCol;
  }

  /** The predictionCol param. */
  public String getPredictionCol() {
    return predictionCol;
  }

  /** The epochs param. */
  public int getEpochs() {
    return epochs;
  }

  /** The batch param. */
  public int getBatch() {
    return batch;
  }

  /** The lr param. */
  public double getLr() {
    return lr;
  }

  /** The mode param. */
  public SparkTrainOptions.Mode getMode() {
    return mode;
  }
}
