package dev.harmonics.graph.tools;

import dev.harmonics.graph.ConsumerNode;
import dev.harmonics.graph.Edge;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.Node;
import dev.harmonics.graph.ProducerNode;

/**
 * The graph in Graphviz's DOT language, left to right: producers as inverted houses, layers as
 * boxes with their settings and shapes, consumers as houses, arrows labelled with their function,
 * loss taps as dashed red arrows from the target producer labelled with the loss. Render with
 * {@code dot -Tsvg}.
 */
public final class DotExport {

  private DotExport() {}

  /** The DOT text, lines ending with {@code '\n'}. */
  public static String of(HarmonicGraph graph) {
    StringBuilder out = new StringBuilder();
    out.append("digraph ").append(quote(graph.name())).append(" {\n");
    out.append("  rankdir=LR;\n");
    out.append("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (Node node : graph.nodes()) {
      out.append("  ").append(quote(node.name())).append(" [shape=").append(shape(node))
          .append(", label=").append(quote(label(node))).append("];\n");
    }
    for (Edge edge : graph.edges()) {
      out.append("  ").append(quote(edge.from())).append(" -> ").append(quote(edge.to()));
      if (edge.activation() != EdgeActivation.IDENTITY) {
        String alpha = edge.activation().usesAlpha() ? "(" + edge.alpha() + ")" : "";
        out.append(" [label=").append(quote(edge.activation().harpName() + alpha)).append("]");
      }
      out.append(";\n");
    }
    for (LossTap tap : graph.lossTaps()) {
      out.append("  ").append(quote(tap.target())).append(" -> ").append(quote(tap.node()))
          .append(" [style=dashed, color=red, fontcolor=red, label=")
          .append(quote(tap.loss().harpName())).append("];\n");
    }
    return out.append("}\n").toString();
  }

  private static String shape(Node node) {
    return switch (node) {
      case ProducerNode p -> "invhouse";
      case LayerNode l -> "box";
      case ConsumerNode c -> "house";
    };
  }

  private static String label(Node node) {
    if (node instanceof LayerNode layer) {
      return node.name() + "\n" + layer.spec().canonical() + "\n" + layer.inputShape() + " -> "
          + layer.outputShape();
    }
    return node.name() + "\n" + node.kindName() + " " + node.outputShape();
  }

  /** A DOT string literal: quotes and backslashes escaped, line breaks as DOT's \n. */
  static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
