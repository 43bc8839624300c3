package dev.harmonics.graph;

/**
 * A width given relative to another node, written {@code 1/2 input} in HARP: this node's width is
 * {@code numerator * elements(reference) / denominator}, where {@code elements} is the number of
 * elements in one sample of the reference's output. The division must be exact.
 *
 * @param numerator at least 1
 * @param denominator at least 1
 * @param reference the name of a producer, layer or consumer
 */
public record Ratio(int numerator, int denominator, String reference) {

  /** Checks the parts. */
  public Ratio {
    Settings.positive("ratio", "numerator", numerator);
    Settings.positive("ratio", "denominator", denominator);
    if (reference == null || reference.isEmpty()) {
      throw new IllegalArgumentException("ratio reference: empty (expected: a node name)");
    }
  }

  /** The width this ratio gives when the reference has {@code elements}, or -1 when inexact. */
  public int apply(int elements) {
    long scaled = (long) numerator * elements;
    if (scaled % denominator != 0 || scaled / denominator > Integer.MAX_VALUE) {
      return -1;
    }
    return (int) (scaled / denominator);
  }

  /** The HARP form, e.g. {@code 1/2 input}. */
  @Override
  public String toString() {
    return numerator + "/" + denominator + " " + reference;
  }
}
