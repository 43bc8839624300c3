package dev.harmonics.graph;

/** Argument checks shared by the layer records: each names the setting and what it accepts. */
final class Settings {

  private Settings() {}

  static int positive(String kind, String setting, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          kind + " " + setting + ": " + value + " (expected: an integer >= 1)");
    }
    return value;
  }

  static int nonNegative(String kind, String setting, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          kind + " " + setting + ": " + value + " (expected: an integer >= 0)");
    }
    return value;
  }

  static double positive(String kind, String setting, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          kind + " " + setting + ": " + value + " (expected: a finite number > 0)");
    }
    return value;
  }

  static double fraction(String kind, String setting, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(
          kind + " " + setting + ": " + value + " (expected: a number in [0, 1))");
    }
    return value;
  }

  /** Decimal text that Java (and the HARP lexer) reads back to the same double. */
  static String number(double value) {
    return Double.toString(value);
  }

  /** Output size of a sliding window, or -1 when the window does not fit. */
  static int slide(int size, int kernel, int stride, int padding, int dilation) {
    long span = (long) dilation * (kernel - 1) + 1;
    long room = size + 2L * padding - span;
    return room < 0 ? -1 : (int) (room / stride + 1);
  }
}
