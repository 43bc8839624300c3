package dev.harmonics.graph;

/**
 * A layer with its shapes resolved. A layer has exactly one input arrow; {@code inputShape} is
 * what arrives through it (activations keep shapes, so it is the source's output shape).
 *
 * @param name the node's name
 * @param spec what the layer computes; a dense layer declared with a ratio or without a width has
 *     its resolved {@link Dense#units()} here
 * @param inputShape one sample's input shape
 * @param outputShape one sample's output shape
 * @param origin where it was declared
 */
public record LayerNode(
    String name, LayerSpec spec, Shape inputShape, Shape outputShape, Origin origin)
    implements Node {

  /** Trainable parameters of this layer. */
  public long parameterCount() {
    return spec.parameterCount(inputShape);
  }

  @Override
  public String kindName() {
    return "layer";
  }
}
