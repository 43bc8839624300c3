package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the CUDA kernel files the CMake build wrote: {@code -Dharmonics.cuda.kernels}, else the
 * class path (the kernels-native jar or its reactor output), else kernels-native's install tree
 * (all three rebuilt by Maven), else builds them here with CMake and nvcc into this module's target
 * folder (PTX only, for every architecture: about half a minute on two cores the first
 * time; later runs are incremental). Tests that need the files skip, with the reason, on a
 * machine without nvcc and without a build.
 */
final class BuiltKernels {

  private static final Path MODULE_DIR = Path.of("").toAbsolutePath();
  private static final List<Path> NATIVE_BUILDS = List.of(
      MODULE_DIR.resolve("../kernels-native/target/native-install/dev/harmonics/native/cuda")
          .normalize());
  private static final Path OWN_BUILD = MODULE_DIR.resolve("target/cuda-kernels");
  private static volatile Path found;
  private static volatile String missing;

  private BuiltKernels() {}

  /** The folder with the kernel files; skips the calling test, with the reason, without one. */
  static synchronized Path directory() {
    if (found == null && missing == null) {
      locate();
    }
    assumeTrue(found != null, missing);
    return found;
  }

  private static void locate() {
    String property = System.getProperty(KernelSources.DIRECTORY_PROPERTY);
    if (property != null && !property.isBlank()) {
      found = Path.of(property);
      return;
    }
    URL resource = BuiltKernels.class.getClassLoader()
        .getResource(KernelSources.RESOURCE_DIR + "softmax.sm_80.ptx");
    if (resource != null && resource.getProtocol().equals("file")) {
      try {
        found = Path.of(resource.toURI()).getParent();
        return;
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    for (Path build : NATIVE_BUILDS) {
      if (Files.isRegularFile(build.resolve("softmax.sm_80.ptx"))) {
        found = build;
        return;
      }
    }
    Path out = OWN_BUILD.resolve("out");
    String why = build(out);
    if (why == null) {
      found = out.resolve("cuda");
    } else {
      missing = "no CUDA kernel build on the class path or in " + NATIVE_BUILDS
          + " and none could be made here: " + why;
    }
  }

  /** Runs the CUDA CMake build into {@code out}; null on success, else why not. */
  private static String build(Path out) {
    Path source = MODULE_DIR.resolve("../kernels-native/src/cuda").normalize();
    Path buildDir = OWN_BUILD.resolve("build");
    String configure = run(List.of("cmake", "-S", source.toString(), "-B", buildDir.toString(),
        "-DHARMONICS_NATIVE_OUT=" + out, "-DHARMONICS_CUDA_KINDS=ptx"));
    if (configure != null) {
      return configure;
    }
    if (!Files.isDirectory(out.resolve("cuda"))) {
      return "cmake found no nvcc (install the CUDA toolkit or set CUDA_HOME)";
    }
    return run(List.of("cmake", "--build", buildDir.toString(), "-j", "2"));
  }

  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
          .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return String.join(" ", command) + " timed out";
      }
      return process.exitValue() == 0 ? null
          : String.join(" ", command) + " failed (" + process.exitValue() + "):\n" + output;
    } catch (IOException e) {
      return "cannot run " + command.getFirst() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The parsed PTX of {@code module} for {@code sm_<arch>}. */
  static PtxModule ptx(KernelModule module, int arch) throws IOException {
    return PtxModule.parse(Files.readString(
        directory().resolve(module.fileStem() + ".sm_" + arch + ".ptx")));
  }
}
