package dev.harmonics.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harmonics graph}: tools over HARP graph files. */
@Command(name = "graph",
    description = "Reads a .harp graph file: describe it, export it to DOT, or print its digest.",
    subcommands = {GraphDescribeCommand.class, GraphDotCommand.class, GraphDigestCommand.class})
public final class GraphCommand implements Runnable {

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: describe, dot or digest");
  }
}
