package dev.harmonics.graph;

/**
 * Inverted dropout: in training, each element is zeroed with probability {@code rate} and the
 * survivors scaled by {@code 1 / (1 - rate)}; in evaluation it passes everything. Shape passes
 * through.
 *
 * @param rate probability of dropping an element, in [0, 1)
 */
public record Dropout(double rate) implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "dropout";

  /** Checks the rate. */
  public Dropout {
    Settings.fraction(KIND, "rate", rate);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Shape outputShape(Shape input) {
    return input;
  }

  @Override
  public long parameterCount(Shape input) {
    return 0;
  }

  @Override
  public String canonical() {
    return KIND + "(rate=" + Settings.number(rate) + ")";
  }
}
