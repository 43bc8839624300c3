package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harmonics.ffi.cuda.Nvrtc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The NVRTC path, for real and without a GPU: every module's shipped source compiles through our
 * FFM binding to PTX with every expected entry, for sm_80 and for a device newer than any prebuilt
 * image (sm_120). NVRTC comes from the system, or else from NVIDIA's nvrtc wheel where the machine
 * image keeps one on disk (extracted into target/, about 110 MB, once); otherwise the test skips.
 * Each compile takes about a second.
 */
class NvrtcKernelCompileTest {

  private static final Path WHEEL_DIR = Path.of("/opt/pypi-more/files");
  private static final Path EXTRACTED = Path.of("target/nvrtc-wheel").toAbsolutePath();
  private static final Path SOURCES = Path.of("../kernels-native/src/cuda").toAbsolutePath()
      .normalize();
  private static Nvrtc nvrtc;
  private static String missing;

  @BeforeAll
  static void findNvrtc() throws IOException {
    if (Nvrtc.availability().available()) {
      nvrtc = Nvrtc.load();
      return;
    }
    Optional<Path> wheel = Files.isDirectory(WHEEL_DIR)
        ? Files.list(WHEEL_DIR).filter(p -> p.getFileName().toString()
            .startsWith("nvidia_cuda_nvrtc-13")).findFirst()
        : Optional.empty();
    if (wheel.isEmpty()) {
      missing = Nvrtc.availability().reason() + ", and no nvrtc wheel in " + WHEEL_DIR;
      return;
    }
    Path library = EXTRACTED.resolve("libnvrtc.so.13");
    if (!Files.exists(library)) {
      Files.createDirectories(EXTRACTED);
      try (ZipFile zip = new ZipFile(wheel.get().toFile())) {
        for (String name : List.of("libnvrtc.so.13", "libnvrtc-builtins.so.13.0")) {
          ZipEntry entry = zip.getEntry("nvidia/cu13/lib/" + name);
          try (InputStream in = zip.getInputStream(entry)) {
            Files.copy(in, EXTRACTED.resolve(name + ".part"), StandardCopyOption.REPLACE_EXISTING);
          }
          Files.move(EXTRACTED.resolve(name + ".part"), EXTRACTED.resolve(name),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    nvrtc = Nvrtc.open(library);
  }

  private static Optional<byte[]> source(String name) {
    try {
      Path file = SOURCES.resolve(name);
      return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(KernelModule.class)
  void everyModuleCompilesWithNvrtcForTheDeviceAtHand(KernelModule module) {
    assumeTrue(nvrtc != null, missing);
    for (int[] cc : new int[][] {{8, 0}, {12, 0}}) {
      PtxModule ptx = PtxModule.parse(
          KernelCompiler.ptx(nvrtc, module, cc[0], cc[1], NvrtcKernelCompileTest::source));
      assertEquals("sm_" + cc[0] + cc[1], ptx.target(), module + " target");
      assertEquals(new HashSet<>(module.entries()), ptx.entries().keySet(), module + " entries");
      assertTrue(nvrtc.version()[0] >= 12, "NVRTC " + nvrtc.version()[0]);
    }
  }
}
