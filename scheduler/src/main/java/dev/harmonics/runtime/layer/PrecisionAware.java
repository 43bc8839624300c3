package dev.harmonics.runtime.layer;

/**
 * A layer whose evaluation passes can run at reduced precision. Training always runs in float32
 * (gradients need it); the bits apply to {@link Pass#training() evaluation} passes.
 */
public interface PrecisionAware {

  /** Full float32 precision: no quantisation. */
  int FULL = 32;

  /**
   * Sets the number of bits weights (and, where the layer computes in integers, activations) are
   * quantised to in evaluation passes, in {@code [2, 32]}; 32 means float32 as trained.
   */
  void setPrecisionBits(int bits);

  /** The bits set, 32 when not quantised. */
  int precisionBits();

  /** Checks a bit count. */
  static int checkBits(String layer, int bits) {
    if (bits < 2 || bits > FULL) {
      throw new IllegalArgumentException(
          "layer '" + layer + "': precision bits " + bits + " (expected: 2 to 32)");
    }
    return bits;
  }
}
