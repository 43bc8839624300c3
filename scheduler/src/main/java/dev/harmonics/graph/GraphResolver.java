package dev.harmonics.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/** Checks a builder's declarations and flow lines and resolves every shape, once. */
final class GraphResolver {

  private final String name;
  private final Map<String, Declaration> declarations;
  private final List<Edge> edges;
  private final List<GraphBuilder.TapDeclaration> taps;
  private final Origin cycleOrigin;
  private final Map<String, Edge> inputs = new HashMap<>();
  private final Map<String, Node> resolved = new HashMap<>();
  private final Set<String> resolving = new LinkedHashSet<>();

  GraphResolver(String name, Map<String, Declaration> declarations, List<Edge> edges,
      List<GraphBuilder.TapDeclaration> taps, Origin cycleOrigin) {
    this.name = name;
    this.declarations = new LinkedHashMap<>(declarations);
    this.edges = List.copyOf(edges);
    this.taps = List.copyOf(taps);
    this.cycleOrigin = cycleOrigin;
  }

  HarmonicGraph resolve() {
    if (edges.isEmpty()) {
      throw new GraphException(cycleOrigin, "graph '" + name + "' has an empty cycle",
          "at least one flow line, such as 'images -> hidden;'");
    }
    checkArrows();
    List<LossTap> lossTaps = new ArrayList<>();
    Set<String> tapped = new HashSet<>();
    for (GraphBuilder.TapDeclaration tap : taps) {
      checkTapEnds(tap);
      if (!tapped.add(tap.node() + "\u0000" + tap.target())) {
        throw new GraphException(tap.origin(), "the loss tap between '" + tap.node() + "' and '"
            + tap.target() + "' is written twice", "each loss tap once");
      }
    }
    checkInputs();
    List<String> order = topologicalOrder();
    List<Node> nodes = new ArrayList<>();
    for (String node : order) {
      nodes.add(resolveNode(node));
    }
    for (GraphBuilder.TapDeclaration tap : taps) {
      lossTaps.add(resolveTap(tap));
    }
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      rank.put(order.get(i), i);
    }
    List<Edge> sorted = new ArrayList<>(edges);
    sorted.sort(Comparator.comparing((Edge e) -> rank.get(e.to()))
        .thenComparing(e -> rank.get(e.from())));
    return new HarmonicGraph(name, nodes, sorted, lossTaps);
  }

  private void checkArrows() {
    Set<String> seen = new HashSet<>();
    for (Edge edge : edges) {
      Declaration from = known(edge.from(), edge.origin(), "in a flow line");
      Declaration to = known(edge.to(), edge.origin(), "in a flow line");
      if (from.kind() == Declaration.Kind.CONSUMER) {
        throw new GraphException(edge.origin(),
            "consumer '" + from.name() + "' feeds '" + to.name() + "'",
            "arrows to leave producers and layers; a consumer is a sink");
      }
      if (to.kind() == Declaration.Kind.PRODUCER) {
        throw new GraphException(edge.origin(),
            "producer '" + to.name() + "' receives from '" + from.name() + "'",
            "arrows to end at layers and consumers; a producer is a data source");
      }
      if (edge.from().equals(edge.to())) {
        throw new GraphException(edge.origin(), "'" + edge.from() + "' feeds itself",
            "an arrow between two different nodes");
      }
      if (!seen.add(edge.from() + "\u0000" + edge.to())) {
        throw new GraphException(edge.origin(),
            "the arrow from '" + edge.from() + "' to '" + edge.to() + "' is written twice",
            "each arrow once");
      }
      Edge previous = inputs.putIfAbsent(edge.to(), edge);
      if (previous != null) {
        throw new GraphException(edge.origin(),
            to.describe() + " gets a second input, from '" + edge.from() + "' (the first is from '"
                + previous.from() + "'" + (previous.origin().known() ? " at " + previous.origin()
                : "") + ")",
            "exactly one input per layer or consumer: there are no merge layers");
      }
    }
  }

  private void checkTapEnds(GraphBuilder.TapDeclaration tap) {
    Declaration node = known(tap.node(), tap.origin(), "in a loss tap");
    Declaration target = known(tap.target(), tap.origin(), "in a loss tap");
    if (node.kind() == Declaration.Kind.PRODUCER) {
      throw new GraphException(tap.origin(),
          "loss tap on producer '" + node.name() + "'",
          "a layer or consumer on the left of '<-(" + tap.loss().harpName() + ")-'");
    }
    if (target.kind() != Declaration.Kind.PRODUCER) {
      throw new GraphException(tap.origin(),
          "loss target " + target.describe() + " is not a producer",
          "a producer holding the expected values on the right of '<-(" + tap.loss().harpName()
              + ")-'");
    }
  }

  private void checkInputs() {
    Set<String> used = new HashSet<>();
    for (Edge edge : edges) {
      used.add(edge.from());
    }
    for (GraphBuilder.TapDeclaration tap : taps) {
      used.add(tap.target());
    }
    for (Declaration d : declarations.values()) {
      if (d.kind() == Declaration.Kind.PRODUCER) {
        if (!used.contains(d.name())) {
          throw new GraphException(d.origin(), d.describe() + " is not used in the cycle",
              "an arrow leaving '" + d.name() + "' or a loss tap with it as target");
        }
      } else if (!inputs.containsKey(d.name())) {
        throw new GraphException(d.origin(), d.describe() + " has no input",
            "an arrow ending at '" + d.name() + "' in the cycle");
      }
    }
  }

  /** Kahn's algorithm; among ready nodes, the one declared first goes first (a stable order). */
  private List<String> topologicalOrder() {
    List<String> names = new ArrayList<>(declarations.keySet());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    Map<String, List<String>> next = new HashMap<>();
    Map<String, Integer> pending = new HashMap<>();
    for (Edge edge : edges) {
      next.computeIfAbsent(edge.from(), k -> new ArrayList<>()).add(edge.to());
      pending.merge(edge.to(), 1, Integer::sum);
    }
    PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> index.get(a) - index.get(b));
    for (String node : names) {
      if (!pending.containsKey(node)) {
        ready.add(node);
      }
    }
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String node = ready.poll();
      order.add(node);
      for (String to : next.getOrDefault(node, List.of())) {
        if (pending.merge(to, -1, Integer::sum) == 0) {
          ready.add(to);
        }
      }
    }
    if (order.size() < names.size()) {
      throw loop(names, new HashSet<>(order));
    }
    return order;
  }

  /** Names the loop: walks back along inputs from a node left over until a node repeats. */
  private GraphException loop(List<String> names, Set<String> ordered) {
    String start = names.stream().filter(n -> !ordered.contains(n)).findFirst().orElseThrow();
    List<String> back = new ArrayList<>();
    String node = start;
    while (!back.contains(node)) {
      back.add(node);
      node = inputs.get(node).from();
    }
    List<String> cycle = new ArrayList<>(back.subList(back.indexOf(node), back.size()));
    Collections.reverse(cycle);
    cycle.add(cycle.getFirst());
    return new GraphException(inputs.get(cycle.get(1)).origin(),
        "the flow lines form a loop: " + String.join(" -> ", cycle),
        "an acyclic graph where data flows from producers to consumers");
  }

  private Node resolveNode(String node) {
    Node done = resolved.get(node);
    if (done != null) {
      return done;
    }
    Declaration d = declarations.get(node);
    if (!resolving.add(node)) {
      throw new GraphException(d.origin(),
          "the width of '" + node + "' depends on itself through " + String.join(" -> ", resolving)
              + " -> " + node,
          "ratios that refer to nodes whose width does not depend on this one");
    }
    Node result = switch (d.kind()) {
      case PRODUCER -> new ProducerNode(node,
          d.shape() != null ? d.shape() : Shape.of(ratioWidth(d)), d.origin());
      case LAYER -> resolveLayer(d);
      case CONSUMER -> resolveConsumer(d);
    };
    resolving.remove(node);
    resolved.put(node, result);
    return result;
  }

  private Shape inputShape(Declaration d) {
    return resolveNode(inputs.get(d.name()).from()).outputShape();
  }

  private LayerNode resolveLayer(Declaration d) {
    Shape input = inputShape(d);
    LayerSpec spec = d.spec();
    if (spec == null) {
      spec = Dense.of(d.ratio() != null ? ratioWidth(d) : input.last());
    }
    try {
      return new LayerNode(d.name(), spec, input, spec.outputShape(input), d.origin());
    } catch (ShapeMismatchException e) {
      throw new GraphException(d.origin(), d.describe() + ": input shape " + input + " from '"
          + inputs.get(d.name()).from() + "' does not fit " + spec.canonical(), e.expected());
    } catch (ArithmeticException e) {
      throw new GraphException(d.origin(), d.describe() + ": the output of " + spec.canonical()
          + " for input " + input + " has more than " + Integer.MAX_VALUE + " elements",
          "a sample small enough to index with an int");
    }
  }

  private ConsumerNode resolveConsumer(Declaration d) {
    Shape input = inputShape(d);
    if (d.shape() != null && !d.shape().equals(input)) {
      throw new GraphException(d.origin(), d.describe() + " receives shape " + input + " from '"
          + inputs.get(d.name()).from() + "'", "the declared shape " + d.shape());
    }
    return new ConsumerNode(d.name(), input, d.origin());
  }

  private int ratioWidth(Declaration d) {
    Ratio ratio = d.ratio();
    known(ratio.reference(), d.origin(), "in the ratio " + ratio);
    int elements = resolveNode(ratio.reference()).outputShape().elements();
    int width = ratio.apply(elements);
    if (width < 1) {
      throw new GraphException(d.origin(), d.describe() + " has the bad ratio " + ratio + ": "
          + ratio.numerator() + " * " + elements + " / " + ratio.denominator()
          + " is not a whole number", "a ratio giving a whole width of at least 1");
    }
    return width;
  }

  private LossTap resolveTap(GraphBuilder.TapDeclaration tap) {
    Node node = resolved.get(tap.node());
    Shape value = node.outputShape();
    Shape target = resolved.get(tap.target()).outputShape();
    LossTap.TargetEncoding encoding = LossTap.TargetEncoding.DENSE;
    if (tap.loss() == Loss.CROSS_ENTROPY) {
      EdgeActivation feed = inputs.get(tap.node()).activation();
      if (!(node instanceof ConsumerNode)
          || (feed != EdgeActivation.SOFTMAX && feed != EdgeActivation.SIGMOID)) {
        throw new GraphException(tap.origin(), "cross_entropy on " + node.kindName() + " '"
            + node.name() + "', whose value is not probabilities",
            "a consumer fed through -(softmax)-> or -(sigmoid)->, e.g. 'logits -(softmax)-> "
                + "probabilities; probabilities <-(cross_entropy)- labels;'");
      }
      if (!target.equals(value) && value.last() > 1 && target.equals(value.withLast(1))) {
        encoding = LossTap.TargetEncoding.CLASS_INDEX;
      } else if (!target.equals(value)) {
        throw new GraphException(tap.origin(), "cross_entropy target '" + tap.target()
            + "' has shape " + target + " but '" + node.name() + "' has shape " + value,
            value + " (probabilities or one-hot) or " + value.withLast(1) + " (class indices)");
      }
    } else if (!target.equals(value)) {
      throw new GraphException(tap.origin(), tap.loss().harpName() + " target '" + tap.target()
          + "' has shape " + target + " but '" + node.name() + "' has shape " + value,
          "the same shape, " + value);
    }
    return new LossTap(tap.node(), tap.loss(), tap.target(), encoding, tap.origin());
  }

  private Declaration known(String node, Origin where, String context) {
    Declaration d = declarations.get(node);
    if (d == null) {
      throw new GraphException(where, "unknown node '" + node + "' " + context,
          "one of the declared names: " + String.join(", ", declarations.keySet()));
    }
    return d;
  }
}
