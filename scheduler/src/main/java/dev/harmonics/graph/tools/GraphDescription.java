package dev.harmonics.graph.tools;

import dev.harmonics.graph.Edge;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A readable table of a graph: one row per node in topological order with its kind and settings,
 * what feeds it, its output shape and its parameter count, then the loss taps and the totals.
 */
public final class GraphDescription {

  private static final String[] HEADINGS = {"node", "kind", "input", "shape", "parameters"};

  private GraphDescription() {}

  /** The table, lines ending with {@code '\n'}. */
  public static String of(HarmonicGraph graph) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADINGS);
    for (Node node : graph.nodes()) {
      rows.add(new String[] {node.name(), kind(node), input(graph, node),
          node.outputShape().toString(),
          node instanceof LayerNode layer ? count(layer.parameterCount()) : "-"});
    }
    int[] widths = new int[HEADINGS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("graph ").append(graph.name()).append(": ")
        .append(plural(graph.producers().size(), "producer")).append(", ")
        .append(plural(graph.layers().size(), "layer")).append(", ")
        .append(plural(graph.consumers().size(), "consumer")).append(", ")
        .append(plural(graph.edges().size(), "arrow")).append(", ")
        .append(count(graph.parameterCount())).append(" parameters\n\n");
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.length; i++) {
        boolean number = i == row.length - 1;
        String cell = number ? " ".repeat(widths[i] - row[i].length()) + row[i]
            : row[i] + " ".repeat(widths[i] - row[i].length());
        line.append(cell).append(i < row.length - 1 ? "  " : "");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    if (!graph.lossTaps().isEmpty()) {
      out.append("\nloss taps\n");
      for (LossTap tap : graph.lossTaps()) {
        out.append("  ").append(tap).append("  (target ")
            .append(tap.encoding() == LossTap.TargetEncoding.CLASS_INDEX ? "class indices"
                : "values of the same shape")
            .append(")\n");
      }
    }
    return out.toString();
  }

  private static String kind(Node node) {
    return node instanceof LayerNode layer ? layer.spec().canonical() : node.kindName();
  }

  /** What feeds the node, as {@code relu(hidden1)}, or {@code -} for a producer. */
  private static String input(HarmonicGraph graph, Node node) {
    return graph.input(node.name()).map(GraphDescription::applied).orElse("-");
  }

  private static String applied(Edge edge) {
    if (edge.activation() == EdgeActivation.IDENTITY) {
      return edge.from();
    }
    String alpha = edge.activation().usesAlpha() ? ", " + edge.alpha() : "";
    return edge.activation().harpName() + "(" + edge.from() + alpha + ")";
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
