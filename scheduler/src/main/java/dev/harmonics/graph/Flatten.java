package dev.harmonics.graph;

/** Reshapes a sample to one dimension of all its elements, in row-major order. */
public record Flatten() implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "flatten";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Shape outputShape(Shape input) {
    return Shape.of(input.elements());
  }

  @Override
  public long parameterCount(Shape input) {
    return 0;
  }

  @Override
  public String canonical() {
    return KIND + "()";
  }
}
