package dev.harmonics.partition;

import dev.harmonics.graph.Shape;

/**
 * One cut between consecutive partitions: the value of node {@code name} crosses it forward and
 * the gradient of the loss with respect to that value crosses it backward.
 *
 * <p>In the partition before the cut the value leaves through consumer {@link #consumerNode}
 * ({@code name + "_out"}, or with a number added when the graph already uses that name); in the
 * partition after it, it enters through a producer called {@code name} itself, so every arrow and
 * layer after the cut keeps the name (and the seeded initial weights) it has in the whole graph.
 *
 * @param name the node whose value crosses: the boundary's name on every bus and binding
 * @param from the partition computing the value
 * @param to the partition reading it ({@code from + 1})
 * @param shape one sample's shape
 * @param consumerNode the consumer that emits the value in partition {@code from}
 */
public record Boundary(String name, int from, int to, Shape shape, String consumerNode) {

  /** The producer that receives the value in partition {@link #to}. */
  public String producerNode() {
    return name;
  }

  /** The name of the message carrying the gradient back: {@code name + "/grad"}. */
  public String gradientName() {
    return name + "/grad";
  }
}
