package dev.harmonics.spark.train;

import java.io.Serializable;

/**
 * How {@link PipelineTrainer} runs: the graph cut into {@code stages} partitions, one pipeline
 * per data partition of the input (the replicas), {@code microBatches} micro-batches per step,
 * replicas averaged every {@code syncEvery} steps, plain SGD at {@code learningRate}.
 *
 * @param stages partitions of the graph, each a barrier task (at least 1)
 * @param microBatches micro-batches a step's batch is cut into for the pipeline (at least 1)
 * @param batchSize samples per step (at least {@code microBatches})
 * @param epochs passes over the data
 * @param syncEvery steps between two averagings of the replicas (one Spark job each)
 * @param learningRate the SGD rate
 * @param seed initialisation and sample order
 * @param secure whether boundary tensors carry chained proofs, and stages prove their results
 */
public record SparkPipelineOptions(int stages, int microBatches, int batchSize, int epochs,
    int syncEvery, double learningRate, long seed, boolean secure) implements Serializable {

  /** Checks every field. */
  public SparkPipelineOptions {
    positive("stages", stages);
    positive("microBatches", microBatches);
    positive("epochs", epochs);
    positive("syncEvery", syncEvery);
    if (batchSize < microBatches) {
      throw new IllegalArgumentException("batchSize: " + batchSize
          + " (expected: at least microBatches, " + microBatches + ")");
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate: " + learningRate
          + " (expected: a finite number > 0)");
    }
  }

  /** Two stages, two micro-batches, batches of 32, one epoch, averaging every 10 steps. */
  public static SparkPipelineOptions defaults() {
    return new SparkPipelineOptions(2, 2, 32, 1, 10, 0.01, 42, false);
  }

  /** With {@code n} stages. */
  public SparkPipelineOptions withStages(int n) {
    return new SparkPipelineOptions(n, microBatches, batchSize, epochs, syncEvery, learningRate,
        seed, secure);
  }

  /** With {@code n} samples per step. */
  public SparkPipelineOptions withBatchSize(int n) {
    return new SparkPipelineOptions(stages, microBatches, n, epochs, syncEvery, learningRate, seed,
        secure);
  }

  /** With {@code n} epochs. */
  public SparkPipelineOptions withEpochs(int n) {
    return new SparkPipelineOptions(stages, microBatches, batchSize, n, syncEvery, learningRate,
        seed, secure);
  }

  /** Averaging the replicas every {@code n} steps. */
  public SparkPipelineOptions withSyncEvery(int n) {
    return new SparkPipelineOptions(stages, microBatches, batchSize, epochs, n, learningRate, seed,
        secure);
  }

  /** With another SGD rate. */
  public SparkPipelineOptions withLearningRate(double rate) {
    return new SparkPipelineOptions(stages, microBatches, batchSize, epochs, syncEvery, rate, seed,
        secure);
  }

  /** With secure mode on or off. */
  public SparkPipelineOptions withSecure(boolean on) {
    return new SparkPipelineOptions(stages, microBatches, batchSize, epochs, syncEvery,
        learningRate, seed, on);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
  }
}
