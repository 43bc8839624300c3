package dev.harmonics.cli;

import dev.harmonics.data.FashionMnist;
import dev.harmonics.examples.ParameterServerExample;
import dev.harmonics.examples.ParameterServerExample.Mode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harmonics example parameter-server}: workers in processes, a server, Fashion-MNIST. */
@Command(name = "parameter-server",
    description = "Trains a Fashion-MNIST classifier with a parameter server and worker"
        + " processes over TCP, synchronously and asynchronously, and prints the test accuracy"
        + " beside one process trained on as many samples.")
public final class ParameterServerExampleCommand implements Callable<Integer> {

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @CommandLine.Option(names = "--workers", defaultValue = "2",
      description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @CommandLine.Option(names = "--steps", defaultValue = "100",
      description = "Gradients each worker pushes (default: ${DEFAULT-VALUE}).")
  int steps;

  @CommandLine.Option(names = "--batch", defaultValue = "64",
      description = "Samples per gradient (default: ${DEFAULT-VALUE}).")
  int batch;

  @CommandLine.Option(names = "--mode", defaultValue = "both",
      description = "sync, async or both (default: ${DEFAULT-VALUE}).")
  String mode;

  @Override
  public Integer call() throws Exception {
    List<Mode> modes = switch (mode) {
      case "sync" -> List.of(Mode.SYNC);
      case "async" -> List.of(Mode.ASYNC);
      case "both" -> List.of(Mode.SYNC, Mode.ASYNC);
      default -> throw new IllegalArgumentException("--mode: '" + mode
          + "' (expected: sync, async or both)");
    };
    if (!FashionMnist.installed()) {
      throw new IllegalStateException("Fashion-MNIST is not in " + FashionMnist.directory()
          + " (expected: apt-get install -y " + FashionMnist.PACKAGE + ")");
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ParameterServerExample example = new ParameterServerExample(out, workers, steps, batch);
    for (Mode m : modes) {
      example.run(m);
    }
    return 0;
  }
}
