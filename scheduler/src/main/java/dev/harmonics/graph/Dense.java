package dev.harmonics.graph;

/**
 * A fully connected layer over the last dimension: {@code {..., in} -> {..., units}}, with
 * weights {@code [in, units]} and, when {@code bias}, a bias of {@code units}. Flatten first to
 * connect an image to it.
 *
 * @param units output features, at least 1
 * @param bias whether a bias is added
 */
public record Dense(int units, boolean bias) implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "dense";

  /** Checks {@code units}. */
  public Dense {
    Settings.positive(KIND, "units", units);
  }

  /** A dense layer of {@code units} with a bias. */
  public static Dense of(int units) {
    return new Dense(units, true);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Shape outputShape(Shape input) {
    return input.withLast(units);
  }

  @Override
  public long parameterCount(Shape input) {
    return (long) input.last() * units + (bias ? units : 0);
  }

  @Override
  public String canonical() {
    return KIND + "(units=" + units + ", bias=" + bias + ")";
  }
}
