package dev.harmonics.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.ffi.loader.NativeLibraryExtractor;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Machines without OpenCL: the backends report why, AUTO falls back, an explicit request fails
 * with the reason. OpenCL is probed once per JVM, so each case runs {@link AvailabilityProbe} in
 * a child JVM (about a second each): one pointed at a loader that does not exist, one whose real
 * ICD loader finds no vendor driver ({@code OCL_ICD_VENDORS} naming an empty directory). The
 * fallback loader from bytedeco's jar is checked the same way, by pointing at its extracted copy
 * (the system's cannot be hidden from a test).
 */
class OpenClUnavailableTest {

  @TempDir
  Path temp;

  @Test
  void withoutALoaderTheBackendsSayWhyAndAutoFallsBack() throws Exception {
    Path missing = temp.resolve("libOpenCL.so.1");
    Map<String, String> out = probe(List.of("-Dharmonics.opencl.library=" + missing), Map.of());
    assertTrue(out.get("opencl").startsWith("false|no OpenCL loader at " + missing), out.toString());
    assertTrue(out.get("fpga").startsWith("false|no OpenCL loader"), out.toString());
    assertTrue(!out.get("auto").equals("opencl") && !out.get("auto").equals("fpga"),
        out.toString());
    assertTrue(out.get("explicit").startsWith(
        "the opencl kernel backend is unavailable: no OpenCL loader"), out.toString());
  }

  @Test
  void withoutAPlatformTheReasonSaysWhatToInstall() throws Exception {
    Path vendors = Files.createDirectories(temp.resolve("vendors"));
    Map<String, String> out = probe(List.of(), Map.of("OCL_ICD_VENDORS", vendors.toString()));
    assertEquals("false|the OpenCL loader (system libOpenCL.so.1) found no platform: install a"
        + " driver (for a CPU, pocl-opencl-icd)", out.get("opencl"), out.toString());
  }

  @Test
  void theLoaderShippedInBytedecosJarFindsTheSamePlatform() throws Exception {
    OpenClTesting.assumeOpenCl();
    Path dir = NativeLibraryExtractor.extract("opencl", getClass().getClassLoader(),
        "org/bytedeco/opencl/linux-x86_64/", List.of("libOpenCL.so.1"), temp);
    Path loader = dir.resolve("libOpenCL.so.1");
    Map<String, String> out = probe(List.of("-Dharmonics.opencl.library=" + loader,
        "-Dharmonics.opencl.device=all:0"), Map.of());
    assertTrue(out.get("opencl").startsWith("true|"), out.toString());
    assertEquals("created", out.get("explicit"), out.toString());
  }

  @Test
  void anUnknownDeviceTypeIsReportedWithTheDevicesThatExist() throws Exception {
    OpenClTesting.assumeOpenCl();
    Map<String, String> out = probe(List.of("-Dharmonics.opencl.device=gpu:99"), Map.of());
    // PoCL reports the memory it has free, which moves between JVMs: compare type and name.
    var device = OpenCl.load().platforms().get(0).devices().get(0);
    String first = device.type().id() + " '" + device.name() + "'";
    assertTrue(out.get("opencl").startsWith("false|no OpenCL device gpu:99 (found: " + first),
        out.toString());
  }

  /** Runs the probe with the test class path; returns its key=value lines. */
  private static Map<String, String> probe(List<String> jvmArgs, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("--add-modules=jdk.incubator.vector");
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AvailabilityProbe.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
    assertEquals(0, process.exitValue(), stdout + stderr);
    Map<String, String> lines = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        lines.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return lines;
  }
}
