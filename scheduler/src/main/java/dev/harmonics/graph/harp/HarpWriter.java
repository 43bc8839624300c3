package dev.harmonics.graph.harp;

import dev.harmonics.graph.Edge;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.Node;

/**
 * Writes a graph back as HARP text that {@link HarpParser} reads into an equal graph: nodes in
 * topological order with resolved shapes and every setting spelled out (ratios become the shapes
 * they gave), one arrow per flow line, then the loss taps. Comments are not kept.
 */
public final class HarpWriter {

  private HarpWriter() {}

  /** The HARP text of {@code graph}. */
  public static String write(HarmonicGraph graph) {
    StringBuilder out = new StringBuilder();
    out.append("harmonic ").append(graph.name()).append(" {\n");
    for (Node node : graph.nodes()) {
      out.append("  ").append(node.kindName()).append(' ').append(node.name()).append(' ')
          .append(node instanceof LayerNode layer ? layer.spec().canonical()
              : node.outputShape().toString())
          .append(";\n");
    }
    out.append("  cycle {\n");
    for (Edge edge : graph.edges()) {
      out.append("    ").append(edge).append(";\n");
    }
    for (LossTap tap : graph.lossTaps()) {
      out.append("    ").append(tap).append(";\n");
    }
    return out.append("  }\n}\n").toString();
  }
}
