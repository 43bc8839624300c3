package dev.harmonics.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.kernel.Activation;
import dev.harmonics.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where programs come from: the source cache on disk (keyed by device, options and source hash;
 * a corrupt entry is rebuilt), and the FPGA binary directory (missing or stale binaries are
 * refused with the reason).
 */
class ProgramCacheTest {

  @TempDir
  Path temp;

  private static ClDevice device() {
    return OpenClTesting.openCl().device();
  }

  @Test
  void builtProgramsAreCachedOnDiskAndACorruptEntryIsRebuilt() throws Exception {
    OpenClTesting.assumeOpenCl();
    SourceProgramLoader loader = new SourceProgramLoader(temp);
    try (OpenClProvider first = OpenClProvider.fromSource(device(), temp)) {
      relu(first);
    }
    Path cached = loader.cachedBinary(device(), Program.POINTWISE);
    assertTrue(Files.isRegularFile(cached), cached.toString());
    assertTrue(cached.getFileName().toString().startsWith(Program.POINTWISE.sourceHash()));

    Files.write(cached, "not a binary".getBytes(StandardCharsets.UTF_8));
    try (OpenClProvider second = OpenClProvider.fromSource(device(), temp)) {
      assertArrayEquals(new float[] {0, 2}, relu(second));
    }
    assertTrue(Files.size(cached) > 100, "the corrupt entry was replaced by the rebuilt binary");
  }

  @Test
  void missingOrStaleFpgaBinariesAreRefusedWithTheReason() throws Exception {
    OpenClTesting.assumeOpenCl();
    Path empty = Files.createDirectories(temp.resolve("empty"));
    List<String> missing = BinaryProgramLoader.problems(empty);
    assertEquals(Program.values().length, missing.size());
    assertEquals("missing gemm.bin or gemm.sha256", missing.get(0));
    assertEquals(List.of(temp.resolve("nowhere") + " is not a directory"),
        BinaryProgramLoader.problems(temp.resolve("nowhere")));

    Path dir = temp.resolve("fpga");
    FpgaBinaryBuilder.build(device(), dir);
    assertTrue(BinaryProgramLoader.problems(dir).isEmpty());
    Files.writeString(BinaryProgramLoader.hashFile(dir, Program.SPATIAL), "0123\n");
    assertEquals(List.of("spatial.bin was built from other sources (sha256 0123, expected "
        + Program.SPATIAL.sourceHash() + ")"), BinaryProgramLoader.problems(dir));
  }

  @Test
  void theFpgaProviderRunsOnlyWhatTheBinariesHold() throws Exception {
    OpenClTesting.assumeOpenCl();
    Path dir = temp.resolve("fpga");
    FpgaBinaryBuilder.build(device(), dir);
    try (OpenClProvider fpga = OpenClProvider.fromBinaries(device(), dir)) {
      assertTrue(fpga.description().contains("offline-compiled binaries from " + dir),
          fpga.description());
      assertArrayEquals(new float[] {0, 2}, relu(fpga));
    }
    Files.delete(BinaryProgramLoader.binary(dir, Program.POINTWISE));
    try (OpenClProvider fpga = OpenClProvider.fromBinaries(device(), dir)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> relu(fpga));
      assertTrue(e.getMessage().contains("missing pointwise.bin"), e.getMessage());
    }
  }

  private static float[] relu(OpenClProvider provider) {
    try (Tensor x = Tensor.of(new float[] {-1, 2}, 2); Tensor y = Tensor.zeros(2)) {
      provider.activations().forward(Activation.RELU, 0f, x, y);
      return y.toFloatArray();
    }
  }

}
