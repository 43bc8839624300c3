package dev.harmonics.graph;

/**
 * A sink: where the value arriving through its single input arrow (with that arrow's activation
 * applied) leaves the graph, e.g. the predicted probabilities.
 *
 * @param name the node's name
 * @param shape one sample's shape of what arrives
 * @param origin where it was declared
 */
public record ConsumerNode(String name, Shape shape, Origin origin) implements Node {

  @Override
  public Shape outputShape() {
    return shape;
  }

  @Override
  public String kindName() {
    return "consumer";
  }
}
