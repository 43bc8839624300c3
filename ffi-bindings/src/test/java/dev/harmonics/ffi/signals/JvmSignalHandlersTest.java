package dev.harmonics.ffi.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harmonics.ffi.opencl.OpenCl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM keeps its signal handlers while PoCL compiles OpenCL C, in child JVMs that start the way
 * a user's does (no libjsig preloaded; the build preloads it into the test JVMs themselves). About
 * three seconds per child, most of it LLVM.
 */
class JvmSignalHandlersTest {

  private static final Path JSIG = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");

  @Test
  void nothingChangedMeansNothingRestored() {
    JvmSignalHandlers handlers = JvmSignalHandlers.save("nothing");
    assertEquals(List.of(), handlers.restoreIfReplaced());
  }

  @Test
  void thePropertyTurnsTheGuardOff() {
    String previous = System.getProperty(JvmSignalHandlers.KEEP_PROPERTY);
    System.setProperty(JvmSignalHandlers.KEEP_PROPERTY, "false");
    try {
      assertFalse(JvmSignalHandlers.save("nothing").active());
    } finally {
      if (previous == null) {
        System.clearProperty(JvmSignalHandlers.KEEP_PROPERTY);
      } else {
        System.setProperty(JvmSignalHandlers.KEEP_PROPERTY, previous);
      }
    }
  }

  @Test
  void theOpenClDriverLeavesTheJvmsHandlersInPlace() throws Exception {
    assumeOpenCl();
    Map<String, String> out = probe(List.of(), Map.of());
    assertEquals("right", out.get("result"), out.toString());
    assertEquals("false", out.get("chaining"), out.toString());
    assertEquals("", out.get("changed"), out.toString());
    assertEquals("true", out.get("guard"), out.toString());
  }

  /** The control: without the guard the same run does replace them, so the test above can fail. */
  @Test
  void withoutTheGuardTheDriverReplacesThem() throws Exception {
    assumeOpenCl();
    Map<String, String> out = probe(List.of("-D" + JvmSignalHandlers.KEEP_PROPERTY + "=false"),
        Map.of());
    assertEquals("right", out.get("result"), out.toString());
    assumeTrue(!out.get("changed").isEmpty(), "this OpenCL driver (" + OpenCl.availability()
        .reason() + ") installs no signal handlers of its own, so there is nothing to guard");
    assertTrue(out.get("changed").contains("11"), "SIGSEGV among " + out);
  }

  @Test
  void withLibjsigTheJvmChainsAndTheGuardStandsAside() throws Exception {
    assumeOpenCl();
    assumeTrue(Files.exists(JSIG), "this JDK has no " + JSIG);
    Map<String, String> out = probe(List.of(), Map.of("LD_PRELOAD", JSIG.toString()));
    assertEquals("right", out.get("result"), out.toString());
    assertEquals("true", out.get("chaining"), out.toString());
    assertEquals("false", out.get("guard"), out.toString());
  }

  private static void assumeOpenCl() {
    assumeTrue(OpenCl.availability().available(), () -> "no OpenCL platform: "
        + OpenCl.availability().reason());
  }

  /** Runs the probe in a child JVM without the test JVM's LD_PRELOAD; returns its key=value lines. */
  private static Map<String, String> probe(List<String> jvmArgs, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SignalHandlersProbe.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("LD_PRELOAD");
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
    assertEquals(0, process.exitValue(), output);
    Map<String, String> lines = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.contains(" ")) {
        lines.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return lines;
  }
}
