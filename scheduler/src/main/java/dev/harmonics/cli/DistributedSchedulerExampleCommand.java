package dev.harmonics.cli;

import dev.harmonics.examples.DistributedSchedulerExample;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harmonics example distributed-scheduler}: two partitions in two processes. */
@Command(name = "distributed-scheduler",
    description = "Trains a graph cut in two partitions in two processes, over TCP and then"
        + " over gRPC, printing what crossed the boundary on each side.")
public final class DistributedSchedulerExampleCommand implements Callable<Integer> {

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @CommandLine.Option(names = "--steps", defaultValue = "3",
      description = "Training steps per transport (default: ${DEFAULT-VALUE}).")
  int steps;

  @Override
  public Integer call() throws Exception {
    if (steps < 1) {
      throw new IllegalArgumentException("--steps: " + steps + " (expected: >= 1)");
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    new DistributedSchedulerExample(out, steps).run();
    return 0;
  }
}
