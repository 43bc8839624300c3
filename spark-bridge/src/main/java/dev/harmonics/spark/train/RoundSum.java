package dev.harmonics.spark.train;

import java.io.Serializable;

/**
 * The {@code treeAggregate} value of a round: an exact sum per array (so the combined model does
 * not depend on task order), the largest optimizer step count, mini-batches and loss. The loss is
 * only reported, so it is summed in doubles.
 */
final class RoundSum implements Serializable {

  private final ExactSum[] sums;
  private long steps;
  private int batches;
  private double lossSum;

  RoundSum(int[] lengths, int[] largestExponents) {
    sums = new ExactSum[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      sums[i] = new ExactSum(lengths[i], largestExponents[i]);
    }
  }

  RoundSum add(RoundResult result) {
    if (result.isEmpty()) {
      return this;
    }
    for (int i = 0; i < sums.length; i++) {
      sums[i].add(result.arrays()[i]);
    }
    steps = Math.max(steps, result.steps());
    batches += result.batches();
    lossSum += result.lossSum();
    return this;
  }

  RoundSum merge(RoundSum other) {
    for (int i = 0; i < sums.length; i++) {
      sums[i].merge(other.sums[i]);
    }
    steps = Math.max(steps, other.steps);
    batches += other.batches;
    lossSum += other.lossSum;
    return this;
  }

  /** Tasks that contributed. */
  int terms() {
    return sums.length == 0 ? 0 : sums[0].terms();
  }

  /** Every array divided by {@code divisor}. */
  float[][] dividedBy(double divisor) {
    float[][] out = new float[sums.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = sums[i].dividedBy(divisor);
    }
    return out;
  }

  long steps() {
    return steps;
  }

  int batches() {
    return batches;
  }

  double lossSum() {
    return lossSum;
  }
}
