package dev.harmonics.graph;

/**
 * Thrown by a {@link LayerSpec} when the shape arriving at it cannot go through it. The graph
 * builder turns it into a {@link GraphException} naming the node, its position and the shape.
 */
public final class ShapeMismatchException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String expected;

  /** @param expected what the layer accepts, e.g. {@code "rank 3 {channels,height,width}"} */
  public ShapeMismatchException(String expected) {
    super("expected: " + expected);
    this.expected = expected;
  }

  /** What the layer accepts. */
  public String expected() {
    return expected;
  }
}
