package dev.harmonics.kernel;

/**
 * The affine mapping between float32 values and int8 codes: {@code x ≈ (q - zeroPoint) · scale}.
 *
 * <p>The factories choose the mapping from an observed range {@code [min, max]}. The range is first
 * widened to contain 0 so that 0 has an exact code (zero padding and ReLU outputs stay exact).
 *
 * @param scale the step between adjacent codes; finite and positive
 * @param zeroPoint the code of 0.0, in {@code [-128, 127]}
 */
public record QuantParams(float scale, int zeroPoint) {

  public QuantParams {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale: " + scale + " (expected: finite and > 0)");
    }
    if (zeroPoint < Byte.MIN_VALUE || zeroPoint > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("zeroPoint: " + zeroPoint + " (expected: -128..127)");
    }
  }

  /**
   * Symmetric mapping, zero point 0: {@code max(|min|, |max|)} maps to code 127, and code -128 is
   * never produced by values inside the range (the restricted range keeps negation exact). An
   * all-zero range gets scale 1.
   */
  public static QuantParams symmetric(float min, float max) {
    checkRange(min, max);
    float bound = Math.max(Math.abs(min), Math.abs(max));
    return new QuantParams(bound > 0 ? bound / 127f : 1f, 0);
  }

  /**
   * Asymmetric mapping over all 256 codes: {@code min} (widened to at most 0) maps to code -128,
   * {@code max} (widened to at least 0) to code 127, and 0 to the zero point. An all-zero range
   * gets scale 1 and zero point 0.
   */
  public static QuantParams asymmetric(float min, float max) {
    checkRange(min, max);
    float lo = Math.min(min, 0f);
    float hi = Math.max(max, 0f);
    if (hi == lo) {
      return new QuantParams(1f, 0);
    }
    float scale = (hi - lo) / 255f;
    long zero = Byte.MIN_VALUE - Math.round((double) lo / scale);
    return new QuantParams(scale, Math.clamp(zero, Byte.MIN_VALUE, Byte.MAX_VALUE));
  }

  private static void checkRange(float min, float max) {
    if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
      throw new IllegalArgumentException(
          "range [" + min + ", " + max + "] (expected: finite and min <= max)");
    }
  }
}
