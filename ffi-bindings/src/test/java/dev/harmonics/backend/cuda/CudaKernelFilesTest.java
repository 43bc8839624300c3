package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CUDA build's output, checked without a GPU: every module has PTX for sm_80 and sm_90 with
 * the right headers and exactly the entries the Java side launches, the sources ship beside it for
 * NVRTC, cubins (when built) are ELF files, and ptxas, where installed, assembles each PTX for its
 * architecture, which checks the PTX for real. The first run may build the kernels (see {@link
 * BuiltKernels}); each ptxas run takes a second or two.
 */
class CudaKernelFilesTest {

  @ParameterizedTest
  @EnumSource(KernelModule.class)
  void ptxHasTheHeadersAndExactlyTheExpectedEntries(KernelModule module) throws IOException {
    for (int arch : KernelImages.BUILT_ARCHITECTURES) {
      PtxModule ptx = BuiltKernels.ptx(module, arch);
      assertEquals("sm_" + arch, ptx.target(), module + " sm_" + arch + " .target");
      String[] version = ptx.version().split("\\.");
      assertTrue(Integer.parseInt(version[0]) >= 7,
          module + " sm_" + arch + ": PTX ISA " + ptx.version() + " (expected 7.0 or later)");
      assertEquals(new HashSet<>(module.entries()), ptx.entries().keySet(),
          module + " sm_" + arch + " entries");
    }
  }

  @ParameterizedTest
  @EnumSource(KernelModule.class)
  void sourcesShipBesideThePtxForNvrtc(KernelModule module) throws IOException {
    Path dir = BuiltKernels.directory();
    Path source = Path.of("../kernels-native/src/cuda").toAbsolutePath().normalize();
    for (String file : List.of(module.fileStem() + ".cu", KernelSources.HEADER)) {
      assertTrue(Files.isRegularFile(dir.resolve(file)), file + " missing in " + dir);
      assertArrayEquals(Files.readAllBytes(source.resolve(file)),
          Files.readAllBytes(dir.resolve(file)), file + " differs from its source");
    }
  }

  @ParameterizedTest
  @EnumSource(KernelModule.class)
  void cubinsAreElfWhenBuilt(KernelModule module) throws IOException {
    Path dir = BuiltKernels.directory();
    Path cubin = dir.resolve(module.fileStem() + ".sm_80.cubin");
    assumeTrue(Files.exists(cubin), "this build made PTX only (HARMONICS_CUDA_KINDS=ptx)");
    for (int arch : KernelImages.BUILT_ARCHITECTURES) {
      byte[] bytes = Files.readAllBytes(dir.resolve(module.fileStem() + ".sm_" + arch + ".cubin"));
      assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(bytes, 4),
          module + " sm_" + arch + " cubin is not an ELF file");
    }
  }

  @ParameterizedTest
  @EnumSource(KernelModule.class)
  void ptxasAssemblesEveryPtx(KernelModule module) throws Exception {
    Path ptxas = ptxas();
    assumeTrue(ptxas != null, "no ptxas here (it comes with the CUDA toolkit)");
    for (int arch : KernelImages.BUILT_ARCHITECTURES) {
      Path ptx = BuiltKernels.directory().resolve(module.fileStem() + ".sm_" + arch + ".ptx");
      Process process = new ProcessBuilder(ptxas.toString(), "-arch=sm_" + arch, "-o",
          "/dev/null", ptx.toString()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      assertTrue(process.waitFor(2, TimeUnit.MINUTES), "ptxas timed out on " + ptx);
      assertEquals(0, process.exitValue(), "ptxas -arch=sm_" + arch + " " + ptx + ":\n" + output);
    }
  }

  private static Path ptxas() {
    for (String home : new String[] {System.getenv("CUDA_HOME"), "/usr/local/cuda"}) {
      if (home != null && Files.isExecutable(Path.of(home, "bin", "ptxas"))) {
        return Path.of(home, "bin", "ptxas");
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "ptxas"))) {
        return Path.of(dir, "ptxas");
      }
    }
    return null;
  }
}
