package dev.harmonics.cli;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.tools.GraphDigest;
import picocli.CommandLine.Command;

/** {@code harmonics graph digest FILE}: the SHA-256 of the graph's canonical structure. */
@Command(name = "digest",
    description = "Prints the SHA-256 of the graph's canonical structure and the file name.")
public final class GraphDigestCommand extends GraphFileCommand {

  @Override
  String render(HarmonicGraph graph) {
    return GraphDigest.of(graph) + "  " + file + "\n";
  }
}
