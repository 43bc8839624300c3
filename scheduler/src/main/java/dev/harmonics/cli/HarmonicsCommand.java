package dev.harmonics.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code harmonics} command line. The {@code ./harmonics} launcher builds the project, then
 * runs this class for the subcommands implemented in Java.
 */
@Command(name = "harmonics",
    description = "Harmonics neural-network kernels for the JVM.",
    subcommands = {InfoCommand.class, GraphCommand.class, TrainCommand.class,
        ExampleCommand.class, HelpCommand.class})
public final class HarmonicsCommand implements Runnable {

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new HarmonicsCommand()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
