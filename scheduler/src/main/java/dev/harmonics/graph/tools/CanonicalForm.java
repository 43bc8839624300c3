package dev.harmonics.graph.tools;

import dev.harmonics.graph.Edge;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The structure of a graph as text, one fact a line, independent of how it was written: nodes
 * sorted by name, arrows by tail then head, taps by node then target; source positions, the
 * order of declarations and how the cycle splits into flow lines are left out. Everything that
 * changes what the graph computes or how it is named is in: the graph's name, every node's kind,
 * name, shapes and layer settings, every arrow's function and alpha, every tap.
 */
public final class CanonicalForm {

  /** The first line, naming the format so a later change of the text changes every digest. */
  static final String HEADER = "harmonics-graph-canonical v1";

  private CanonicalForm() {}

  /** The canonical text of {@code graph}, lines ending with {@code '\n'}. */
  public static String of(HarmonicGraph graph) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    lines.add("harmonic " + graph.name());
    graph.nodes().stream().sorted(Comparator.comparing(Node::name))
        .forEach(node -> lines.add(node(node)));
    graph.edges().stream()
        .sorted(Comparator.comparing(Edge::from).thenComparing(Edge::to))
        .forEach(edge -> lines.add("arrow " + edge.from() + " " + edge.arrow() + " " + edge.to()));
    graph.lossTaps().stream()
        .sorted(Comparator.comparing(LossTap::node).thenComparing(LossTap::target))
        .forEach(tap -> lines.add("tap " + tap + " " + tap.encoding()));
    return String.join("\n", lines) + "\n";
  }

  private static String node(Node node) {
    String head = node.kindName() + " " + node.name();
    if (node instanceof LayerNode layer) {
      return head + " " + layer.spec().canonical() + " " + layer.inputShape() + " -> "
          + layer.outputShape();
    }
    return head + " " + node.outputShape();
  }
}
