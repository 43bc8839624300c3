package dev.harmonics.ffi.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and opening system libraries, with real libraries and real missing ones. */
class SharedLibraryTest {

  @Test
  void aLibraryTheDynamicLinkerKnowsIsOpenedAndItsSymbolsFound() {
    SharedLibrary libm = SharedLibrary.open("libm", List.of("libm.so.6"), null, List.of());
    assertTrue(libm.isLoaded(), libm.failure());
    assertEquals("libm.so.6", libm.location());
    assertNull(libm.failure());
    assertTrue(libm.find("no_such_symbol", "cos").isPresent());
  }

  @Test
  void aMissingLibrarySaysWhatWasMissingAndWhereItWasLooked(@TempDir Path dir) {
    SharedLibrary missing = SharedLibrary.open("libcuda.so.1 (the driver)",
        List.of("libharmonics_missing.so.1"), Pattern.compile("libharmonics_missing\\.so\\.\\d+"),
        List.of(dir));
    assertFalse(missing.isLoaded());
    assertTrue(missing.failure().startsWith("no libcuda.so.1 (the driver): not found"),
        missing.failure());
    assertTrue(missing.failure().contains(dir.toString()), missing.failure());
  }

  @Test
  void aVersionedFileThatIsNotALibraryIsReportedAsUnloadable(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("libharmonics_fake.so.12"), "not an ELF file");
    SharedLibrary fake = SharedLibrary.open("libharmonics_fake", List.of("libharmonics_fake.so"),
        Pattern.compile("libharmonics_fake\\.so\\.\\d+"), List.of(dir));
    assertFalse(fake.isLoaded());
    assertTrue(fake.failure().startsWith("no usable libharmonics_fake: found but could not be"
        + " loaded: [" + dir.resolve("libharmonics_fake.so.12")), fake.failure());
  }

  @Test
  void aVersionedLibraryIsFoundInASearchDirectory(@TempDir Path dir) throws IOException {
    Path real = Path.of("/lib/x86_64-linux-gnu/libm.so.6");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(real), "no " + real + " here");
    Files.copy(real, dir.resolve("libharmonicsm.so.6"));
    SharedLibrary copy = SharedLibrary.open("a copy of libm", List.of("libharmonicsm.so"),
        Pattern.compile("libharmonicsm\\.so\\.\\d+"), List.of(dir));
    assertTrue(copy.isLoaded(), copy.failure());
    assertEquals(dir.resolve("libharmonicsm.so.6").toString(), copy.location());
  }

  @Test
  void aMissingSymbolIsNamed() {
    SharedLibrary libm = SharedLibrary.open("libm", List.of("libm.so.6"), null, List.of());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> libm.require("cuInit"));
    assertTrue(e.getMessage().contains("exports none of [cuInit]"), e.getMessage());
  }

  @Test
  void newerVersionsSortFirstByNumberNotByText() {
    List<String> names = new ArrayList<>(List.of("libnvrtc.so.9", "libnvrtc.so.13.0.88",
        "libnvrtc.so.12", "libnvrtc.so.13"));
    names.sort((a, b) -> SharedLibrary.compareVersions(b, a));
    assertEquals(List.of("libnvrtc.so.13.0.88", "libnvrtc.so.13", "libnvrtc.so.12",
        "libnvrtc.so.9"), names);
  }

  @Test
  void theSearchIncludesTheUsualCudaFolders() {
    List<Path> dirs = SharedLibrary.searchDirectories();
    assertTrue(dirs.contains(Path.of("/usr/local/cuda/lib64")), dirs.toString());
    assertTrue(dirs.contains(Path.of("/usr/lib/x86_64-linux-gnu")), dirs.toString());
  }
}
