package dev.harmonics.runtime.layer;

import dev.harmonics.tensor.Tensor;

/**
 * How a weight tensor gets its first values. Biases and shifts start at 0 and scales at 1 in every
 * layer; these rules are for the weights that multiply.
 */
public enum WeightInit {
  /**
   * He (Kaiming) normal: {@code N(0, 2 / fanIn)}, which keeps the activation variance steady
   * through ReLU-family functions. Chosen for layers whose output goes through one.
   */
  HE,
  /**
   * Xavier (Glorot) uniform: {@code U(-a, a)} with {@code a = sqrt(6 / (fanIn + fanOut))}, for
   * layers followed by a symmetric or no activation.
   */
  XAVIER;

  /** Fills {@code weights} from {@code random}, in row-major order. */
  public void fill(Tensor weights, int fanIn, int fanOut, SeededRandom random) {
    float[] values = new float[weights.size()];
    switch (this) {
      case HE -> {
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextGaussian() * std);
        }
      }
      case XAVIER -> {
        double bound = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
      }
    }
    weights.copyFrom(values);
  }
}
