package dev.harmonics.graph;

import java.util.List;

/**
 * Multi-head self-attention over a sequence {@code {seq, modelDim}} to {@code {seq, modelDim}}.
 * Four projections of {@code [modelDim, modelDim]} (query, key, value, output), each with a bias
 * of {@code modelDim} when {@code bias}; each head attends over {@code modelDim / heads} features
 * with scores scaled by {@code 1 / sqrt(modelDim / heads)} and a softmax over the keys.
 *
 * @param heads number of heads; {@code modelDim} must divide by it
 * @param modelDim features per position, in and out
 * @param bias whether the four projections have biases
 */
public record MultiHeadAttention(int heads, int modelDim, boolean bias) implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "attention";
  /** The projections, in the order their weights are laid out. */
  public static final List<String> PROJECTIONS = List.of("query", "key", "value", "output");

  /** Checks every setting. */
  public MultiHeadAttention {
    Settings.positive(KIND, "heads", heads);
    Settings.positive(KIND, "dim", modelDim);
    if (modelDim % heads != 0) {
      throw new IllegalArgumentException(
          KIND + " dim: " + modelDim + " (expected: a multiple of heads=" + heads + ")");
    }
  }

  /** Features each head attends over. */
  public int headDim() {
    return modelDim / heads;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Shape outputShape(Shape input) {
    if (input.rank() != 2 || input.last() != modelDim) {
      throw new ShapeMismatchException("rank 2 {seq," + modelDim + "}");
    }
    return input;
  }

  @Override
  public long parameterCount(Shape input) {
    long perProjection = (long) modelDim * modelDim + (bias ? modelDim : 0);
    return PROJECTIONS.size() * perProjection;
  }

  @Override
  public String canonical() {
    return KIND + "(heads=" + heads + ", dim=" + modelDim + ", bias=" + bias + ")";
  }
}
