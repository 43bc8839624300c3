package dev.harmonics.cli;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.tools.GraphDescription;
import picocli.CommandLine.Command;

/** {@code harmonics graph describe FILE}: a table of nodes, shapes and parameter counts. */
@Command(name = "describe",
    description = "Prints a table of the graph's nodes, shapes and parameter counts.")
public final class GraphDescribeCommand extends GraphFileCommand {

  @Override
  String render(HarmonicGraph graph) {
    return GraphDescription.of(graph);
  }
}
