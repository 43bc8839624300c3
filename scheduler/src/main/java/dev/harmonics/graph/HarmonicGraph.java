package dev.harmonics.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A built, checked, immutable graph of producers, layers and consumers joined by the arrows of
 * its cycle, with its loss taps. Build one with {@link #builder(String)} or parse a HARP file
 * ({@code dev.harmonics.graph.harp.HarpParser}); both give equal structures.
 *
 * <h2>How a runtime reads it</h2>
 * <ul>
 *   <li>{@link #nodes()} lists every node in topological order: a node comes after the node that
 *       feeds it, and ties keep declaration order, so the order is stable. Evaluating the nodes
 *       in this order is a forward pass; the reverse order is a backward pass.
 *   <li>Each node has its shapes resolved for one sample (no batch dimension). A
 *       {@link ProducerNode} has its {@link ProducerNode#shape()}. A {@link LayerNode} has its
 *       {@link LayerSpec} with every setting concrete (a dense layer declared by a ratio has its
 *       units), its input shape and its output shape. A {@link ConsumerNode} has the shape that
 *       reaches it.
 *   <li>The meaning of an arrow: {@code a -(f)-> b} means the input of {@code b} is {@code f}
 *       applied to the value of {@code a}. In a flow line {@code a -(f)-> b -(g)-> c}, b takes
 *       f(a) and c takes g(b). The value of a producer is its sample, of a layer its output (no
 *       activation: activations live on arrows), of a consumer what arrives through its arrow.
 *   <li>Every layer and consumer has exactly one input arrow, {@link #input(String)}; a node may
 *       feed several. {@link #edges()} lists all arrows, sorted by their head in topological
 *       order.
 *   <li>{@link #lossTaps()}: training minimises the sum of the taps' losses, each between the
 *       value of a tapped node and a sample of a target producer ({@link LossTap#encoding()}
 *       says whether the target holds class indices or dense values). Cross-entropy taps always
 *       sit on a consumer fed by {@code -(softmax)->} or {@code -(sigmoid)->}, so a runtime may
 *       fuse the softmax with the loss.
 * </ul>
 */
public final class HarmonicGraph {

  private final String name;
  private final List<Node> nodes;
  private final List<Edge> edges;
  private final List<LossTap> lossTaps;
  private final Map<String, Node> byName = new HashMap<>();
  private final Map<String, Edge> inputs = new HashMap<>();
  private final Map<String, List<Edge>> outputs = new HashMap<>();

  HarmonicGraph(String name, List<Node> nodes, List<Edge> edges, List<LossTap> lossTaps) {
    this.name = name;
    this.nodes = List.copyOf(nodes);
    this.edges = List.copyOf(edges);
    this.lossTaps = List.copyOf(lossTaps);
    for (Node node : this.nodes) {
      byName.put(node.name(), node);
    }
    Map<String, List<Edge>> out = new HashMap<>();
    for (Edge edge : this.edges) {
      inputs.put(edge.to(), edge);
      out.computeIfAbsent(edge.from(), k -> new ArrayList<>()).add(edge);
    }
    out.forEach((k, v) -> outputs.put(k, List.copyOf(v)));
  }

  /** Starts a graph called {@code name}. */
  public static GraphBuilder builder(String name) {
    return new GraphBuilder(name);
  }

  /** The graph's name (HARP: {@code harmonic NAME { ... }}). */
  public String name() {
    return name;
  }

  /** Every node, in topological order (feeders first, ties in declaration order). */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * The node called {@code name}.
   *
   * @throws IllegalArgumentException when there is none
   */
  public Node node(String nodeName) {
    Node node = byName.get(nodeName);
    if (node == null) {
      throw new IllegalArgumentException("node: '" + nodeName + "' (expected: one of "
          + nodes.stream().map(Node::name).toList() + ")");
    }
    return node;
  }

  /** The producers, in topological order. */
  public List<ProducerNode> producers() {
    return ofType(ProducerNode.class);
  }

  /** The layers, in topological order. */
  public List<LayerNode> layers() {
    return ofType(LayerNode.class);
  }

  /** The consumers, in topological order. */
  public List<ConsumerNode> consumers() {
    return ofType(ConsumerNode.class);
  }

  /** Every arrow, sorted by head then tail in topological order. */
  public List<Edge> edges() {
    return edges;
  }

  /** The arrow feeding {@code nodeName}; empty for producers. */
  public Optional<Edge> input(String nodeName) {
    node(nodeName);
    return Optional.ofNullable(inputs.get(nodeName));
  }

  /** The arrows leaving {@code nodeName}, in topological order of their heads. */
  public List<Edge> outputs(String nodeName) {
    node(nodeName);
    return outputs.getOrDefault(nodeName, List.of());
  }

  /** The training taps, in the order written. */
  public List<LossTap> lossTaps() {
    return lossTaps;
  }

  /** Trainable parameters of all layers. */
  public long parameterCount() {
    return layers().stream().mapToLong(LayerNode::parameterCount).sum();
  }

  private <T extends Node> List<T> ofType(Class<T> type) {
    return nodes.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public String toString() {
    return "HarmonicGraph " + name + " (" + nodes.size() + " nodes, " + edges.size() + " arrows, "
        + lossTaps.size() + " loss taps)";
  }
}
