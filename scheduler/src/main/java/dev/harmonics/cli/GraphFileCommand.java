package dev.harmonics.cli;

import dev.harmonics.graph.GraphException;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The shared part of the {@code graph} subcommands: read one HARP file, print what the
 * subcommand makes of it. A file that cannot be read or parsed is reported on stderr with its
 * position, and the exit status is 1.
 */
abstract class GraphFileCommand implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(index = "0", paramLabel = "FILE", description = "A .harp graph file.")
  Path file;

  @Spec
  CommandSpec spec;

  /** The text to print for {@code graph}. */
  abstract String render(HarmonicGraph graph);

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    HarmonicGraph graph;
    try {
      graph = HarpParser.parse(file);
    } catch (NoSuchFileException e) {
      err.println("harmonics graph: no such file: " + file);
      err.flush();
      return 1;
    } catch (IOException e) {
      err.println("harmonics graph: cannot read " + file + ": " + e.getMessage());
      err.flush();
      return 1;
    } catch (GraphException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(render(graph));
    out.flush();
    return 0;
  }
}
