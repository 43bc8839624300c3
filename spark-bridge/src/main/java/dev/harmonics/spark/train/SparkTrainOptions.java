package dev.harmonics.spark.train;

import dev.harmonics.runtime.optim.OptimizerConfig;
import java.io.Serializable;
import java.util.Objects;

/**
 * How {@link DataParallelTrainer} trains.
 *
 * @param featuresColumn an array column of numbers (float or double) holding one sample
 * @param labelColumn an integer (or integral double) column holding the class index
 * @param epochs passes over the data
 * @param batchSize samples per mini-batch in each task
 * @param mode how the tasks' work is combined
 * @param syncEvery mini-batches each task runs between two combinations
 * @param optimizer {@code sgd}, {@code adam}, {@code adamw}, {@code rmsprop} or {@code lamb}
 * @param learningRate the optimizer's learning rate (constant)
 * @param seed initialisation, shuffling and dropout
 * @param checkpointDir a Hadoop-compatible directory for one checkpoint per epoch, or null
 */
public record SparkTrainOptions(String featuresColumn, String labelColumn, int epochs,
    int batchSize, Mode mode, int syncEvery, String optimizer, double learningRate, long seed,
    String checkpointDir) implements Serializable {

  /** How the tasks' work becomes one model. */
  public enum Mode {
    /**
     * Each task computes the mean gradient of its {@code syncEvery} mini-batches; the driver
     * averages them and takes one optimizer step: synchronous SGD with a large batch.
     */
    GRADIENT_AVERAGING,
    /**
     * Each task trains {@code syncEvery} mini-batches on its own copy, optimizer state included;
     * the driver averages parameters and optimizer state (model averaging).
     */
    PARAMETER_AVERAGING
  }

  /** Checks every setting. */
  public SparkTrainOptions {
    Objects.requireNonNull(featuresColumn, "featuresColumn");
    Objects.requireNonNull(labelColumn, "labelColumn");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(optimizer, "optimizer");
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs: " + epochs + " (expected: >= 1)");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: >= 1)");
    }
    if (syncEvery < 1) {
      throw new IllegalArgumentException("syncEvery: " + syncEvery + " (expected: >= 1)");
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate: " + learningRate + " (expected: finite, > 0)");
    }
    OptimizerConfig.named(optimizer);
  }

  /** Parameter averaging every 50 mini-batches of 64 with Adam at 1e-3, no checkpoints. */
  public static SparkTrainOptions defaults(String featuresColumn, String labelColumn) {
    return new SparkTrainOptions(featuresColumn, labelColumn, 1, 64, Mode.PARAMETER_AVERAGING,
        50, "adam", 1e-3, 42, null);
  }

  public SparkTrainOptions withEpochs(int n) {
    return new SparkTrainOptions(featuresColumn, labelColumn, n, batchSize, mode, syncEvery,
        optimizer, learningRate, seed, checkpointDir);
  }

  public SparkTrainOptions withMode(Mode m, int every) {
    return new SparkTrainOptions(featuresColumn, labelColumn, epochs, batchSize, m, every,
        optimizer, learningRate, seed, checkpointDir);
  }

  public SparkTrainOptions withOptimizer(String name, double rate) {
    return new SparkTrainOptions(featuresColumn, labelColumn, epochs, batchSize, mode, syncEvery,
        name, rate, seed, checkpointDir);
  }

  public SparkTrainOptions withBatchSize(int size) {
    return new SparkTrainOptions(featuresColumn, labelColumn, epochs, size, mode, syncEvery,
        optimizer, learningRate, seed, checkpointDir);
  }

  public SparkTrainOptions withSeed(long newSeed) {
    return new SparkTrainOptions(featuresColumn, labelColumn, epochs, batchSize, mode, syncEvery,
        optimizer, learningRate, newSeed, checkpointDir);
  }

  public SparkTrainOptions withCheckpointDir(String dir) {
    return new SparkTrainOptions(featuresColumn, labelColumn, epochs, batchSize, mode, syncEvery,
        optimizer, learningRate, seed, dir);
  }
}
