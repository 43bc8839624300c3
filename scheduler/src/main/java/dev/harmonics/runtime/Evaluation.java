package dev.harmonics.runtime;

/**
 * The result of evaluating a model on a data set.
 *
 * @param loss the mean, over batches weighted by their size, of the summed tap losses
 * @param accuracy fraction of rows whose largest value is at the target class (the first
 *     cross-entropy tap), or NaN when the graph has none
 * @param samples samples evaluated
 * @param seconds wall time
 */
public record Evaluation(double loss, double accuracy, long samples, double seconds) {}
