package dev.harmonics.kernel;

/**
 * Range checks shared by the optimizer configurations. Each names the parameter, the value it got
 * and the range it expected, so a bad schedule or typo fails where the config is built.
 */
final class HyperParameters {

  private HyperParameters() {}

  /** A finite value {@code >= 0} (NaN and infinity are refused: they would poison every weight). */
  static double nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: a finite number >= 0)");
    }
    return value;
  }

  /** A value in {@code [0, 1)}: a decay rate that still forgets. */
  static double decayRate(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: 0 <= " + name + " < 1)");
    }
    return value;
  }

  /** A value in {@code [0, 1]}. */
  static double fraction(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: 0 <= " + name + " <= 1)");
    }
    return value;
  }
}
