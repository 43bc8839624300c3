package dev.harmonics.cli;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.tools.DotExport;
import picocli.CommandLine.Command;

/** {@code harmonics graph dot FILE}: the graph in Graphviz's DOT language. */
@Command(name = "dot",
    description = "Prints the graph in Graphviz's DOT language (render with dot -Tsvg).")
public final class GraphDotCommand extends GraphFileCommand {

  @Override
  String render(HarmonicGraph graph) {
    return DotExport.of(graph);
  }
}
