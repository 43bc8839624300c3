package dev.harmonics.ffi.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarmonicsNativeLibrariesTest {

  private static final String LIBRARY = "libharmonics_native.so";

  @TempDir
  Path temp;

  private static void assumeBundled() {
    Assumptions.assumeTrue(HarmonicsNativeLibraries.class.getClassLoader().getResource(
            HarmonicsNativeLibraries.RESOURCE_ROOT + Platform.current() + "/" + LIBRARY) != null,
        "the kernels-native jar holds no " + LIBRARY + " for " + Platform.current()
            + " (built without cmake or a C compiler)");
  }

  @Test
  void theBundledLibraryIsExtractedIntoTheCache() throws Exception {
    assumeBundled();
    Path cache = temp.resolve("cache");
    Path found = HarmonicsNativeLibraries.locate(LIBRARY, null,
        getClass().getClassLoader(), cache);
    assertTrue(Files.isRegularFile(found), found.toString());
    assertTrue(found.startsWith(cache), found + " is under " + cache);
    assertEquals(LIBRARY, found.getFileName().toString());
    assertEquals(found, HarmonicsNativeLibraries.locate(LIBRARY, null,
        getClass().getClassLoader(), cache), "the second lookup reuses the extracted copy");
  }

  @Test
  void anOverrideDirectoryIsUsedInsteadOfTheJar() throws Exception {
    Path own = Files.createDirectories(temp.resolve("own-build"));
    Files.writeString(own.resolve(LIBRARY), "not really a library");
    Path found = HarmonicsNativeLibraries.locate(LIBRARY, own, getClass().getClassLoader(),
        temp.resolve("cache"));
    assertEquals(own.resolve(LIBRARY).toAbsolutePath(), found);
    assertTrue(Files.notExists(temp.resolve("cache")), "nothing extracted");
  }

  @Test
  void aMissingFileInTheOverrideDirectoryIsAnErrorNotAFallback() {
    Path own = temp.resolve("empty");
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> HarmonicsNativeLibraries.locate(LIBRARY, own, getClass().getClassLoader(), temp));
    assertTrue(e.getMessage().contains(own.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(HarmonicsNativeLibraries.PATH_PROPERTY), e.getMessage());
  }

  @Test
  void aJarWithoutTheLibrarySaysWhy() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      FileNotFoundException e = assertThrows(FileNotFoundException.class,
          () -> HarmonicsNativeLibraries.locate(LIBRARY, null, empty, temp));
      assertTrue(e.getMessage().contains("not bundled for " + Platform.current()), e.getMessage());
      assertTrue(e.getMessage().contains("cmake"), e.getMessage());
    }
  }

  @Test
  void platformNamesFollowTheCmakeLayout() {
    assertEquals("linux-x86_64", Platform.of("Linux", "amd64"));
    assertEquals("linux-aarch64", Platform.of("Linux", "aarch64"));
    assertEquals("darwin-aarch64", Platform.of("Mac OS X", "arm64"));
  }
}
