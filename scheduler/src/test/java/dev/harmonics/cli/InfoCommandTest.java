package dev.harmonics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.ffi.signals.JvmSignalHandlers;
import dev.harmonics.kernel.Availability;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class InfoCommandTest {

  private static String run(InfoCommand command) {
    StringWriter text = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(text));
    assertEquals(0, cli.execute());
    return text.toString();
  }

  @Test
  void reportsTheJdkCoresAndEveryBackend() {
    String out = run(new InfoCommand());
    assertTrue(out.contains("JDK              " + Runtime.version()), out);
    assertTrue(out.contains("Cores            " + Runtime.getRuntime().availableProcessors()), out);
    assertTrue(Pattern.compile("(?m)^  reference +available +plain Java").matcher(out).find(), out);
    // The tests run with --add-modules jdk.incubator.vector, so the SIMD backend must be there.
    assertTrue(
        Pattern.compile("(?m)^  simd +available +\\d+-bit vectors").matcher(out).find(), out);
    assertTrue(Pattern.compile(
        "(?m)^  SIMD species +\\d+ bits, \\d+ float lanes, (16|32) vector registers$").matcher(out)
        .find(), out);
    // OpenBLAS ships in bytedeco's jar on the test classpath, so it must load here.
    assertTrue(Pattern.compile("(?m)^  openblas +available +OpenBLAS ").matcher(out).find(), out);
    // The build preloads libjsig into test JVMs; run elsewhere, the guard restores instead.
    String signals = JvmSignalHandlers.chainingLibraryLoaded() ? "libjsig preloaded"
        : "restored after OpenCL calls";
    assertTrue(out.contains("Signal handlers  " + signals), out);
  }

  @Test
  void aBindingWhoseProbeThrowsIsReportedUnavailableAndTheOthersStillShow() {
    List<Supplier<BackendReport>> libraries = List.of(
        () -> BackendReport.probe("broken", () -> {
          throw new UnsatisfiedLinkError("libbroken.so: cannot open shared object file");
        }),
        () -> BackendReport.probe("fine", () -> Availability.yes("version 1.2")));
    String out = run(new InfoCommand(Backends.kernelBackends(), libraries));
    assertTrue(Pattern.compile("(?m)^  broken +unavailable +probe failed: .*libbroken\\.so")
        .matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^  fine +available +version 1\\.2$").matcher(out).find(), out);
  }

  @Test
  void saysSoWhenNoNativeLibraryIsRegistered() {
    String out = run(new InfoCommand(Backends.kernelBackends(), List.of()));
    assertTrue(out.contains("Native libraries\n  (none registered)"), out);
  }
}
