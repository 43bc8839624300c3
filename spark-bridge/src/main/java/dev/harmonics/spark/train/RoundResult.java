package dev.harmonics.spark.train;

import java.io.Serializable;

/**
 * What one task sends back for one round: the arrays to average (parameters and optimizer state,
 * or gradients), the optimizer steps it reached, and its loss. A task whose partition had no
 * mini-batch left in the round sends {@link #empty()}, which counts for nothing.
 */
record RoundResult(float[][] arrays, long steps, double lossSum, int batches)
    implements Serializable {

  static RoundResult empty() {
    return new RoundResult(null, 0, 0, 0);
  }

  boolean isEmpty() {
    return arrays == null;
  }

  /** The exponent of the largest magnitude of each array, for {@link ExactSum}. */
  int[] largestExponents() {
    int[] out = new int[arrays.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ExactSum.largestExponent(arrays[i]);
    }
    return out;
  }
}
