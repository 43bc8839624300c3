package dev.harmonics.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harmonics example}: runnable examples of the schedulers. */
@Command(name = "example",
    description = "Runs an example: distributed-scheduler or parameter-server.",
    subcommands = {DistributedSchedulerExampleCommand.class,
        ParameterServerExampleCommand.class})
public final class ExampleCommand implements Runnable {

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing example: distributed-scheduler or parameter-server");
  }
}
