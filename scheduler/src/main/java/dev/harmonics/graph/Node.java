package dev.harmonics.graph;

/**
 * A node of a built graph, with its shapes resolved. Names are unique across all kinds.
 */
public sealed interface Node permits ProducerNode, LayerNode, ConsumerNode {

  /** The node's name. */
  String name();

  /** The shape of one sample of this node's value: what its outgoing arrows carry. */
  Shape outputShape();

  /** Where the node was declared. */
  Origin origin();

  /** {@code producer}, {@code layer} or {@code consumer}. */
  String kindName();
}
