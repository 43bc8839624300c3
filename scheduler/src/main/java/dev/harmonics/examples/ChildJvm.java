package dev.harmonics.examples;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts another JVM like this one: the same {@code java}, class path, module options and
 * {@code -D} settings, running another main class. Examples and tests use it to put partitions
 * and workers in separate processes.
 */
public final class ChildJvm {

  private ChildJvm() {}

  /** The command line that runs {@code mainClass} with {@code args} in a JVM like this one. */
  public static List<String> command(Class<?> mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (int i = 0; i < options.size(); i++) {
      String option = options.get(i);
      // options that matter for the numbers and for loading the kernels; never agents or debug
      // ports, which a second JVM could not share
      if (option.equals("--add-modules") && i + 1 < options.size()) {
        cmd.add(option);
        cmd.add(options.get(++i));
      } else if (option.startsWith("--add-modules=") || option.startsWith("--enable-native-access")
          || option.startsWith("-Dharmonics.") || option.startsWith("-Xmx")) {
        cmd.add(option);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    return cmd;
  }

  /** Starts {@code mainClass}; its output is merged into one stream the caller reads. */
  public static Process start(Class<?> mainClass, List<String> args) throws IOException {
    return new ProcessBuilder(command(mainClass, args)).redirectErrorStream(true).start();
  }
}
