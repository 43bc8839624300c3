package dev.harmonics.graph;

/**
 * A lookup table: each input element is a token index in {@code [0, vocabulary)} (carried as a
 * float holding an integer) and becomes a learned vector of {@code dim}:
 * {@code {...} -> {..., dim}}.
 *
 * @param vocabulary number of rows in the table
 * @param dim size of each vector
 */
public record Embedding(int vocabulary, int dim) implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "embedding";

  /** Checks both settings. */
  public Embedding {
    Settings.positive(KIND, "vocab", vocabulary);
    Settings.positive(KIND, "dim", dim);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Shape outputShape(Shape input) {
    return input.append(dim);
  }

  @Override
  public long parameterCount(Shape input) {
    return (long) vocabulary * dim;
  }

  @Override
  public String canonical() {
    return KIND + "(vocab=" + vocabulary + ", dim=" + dim + ")";
  }
}
