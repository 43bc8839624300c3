package dev.harmonics.graph;

/**
 * A data source: the runtime binds a data producer of this shape to it and feeds one sample
 * (a batch of them) per step.
 *
 * @param name the node's name
 * @param shape one sample's shape (a ratio in the declaration is already resolved)
 * @param origin where it was declared
 */
public record ProducerNode(String name, Shape shape, Origin origin) implements Node {

  @Override
  public Shape outputShape() {
    return shape;
  }

  @Override
  public String kindName() {
    return "producer";
  }
}
