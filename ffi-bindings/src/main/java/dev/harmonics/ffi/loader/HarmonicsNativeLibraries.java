package dev.harmonics.ffi.loader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds Harmonics' own native libraries (built from {@code kernels-native} by CMake) as files that
 * {@link java.lang.foreign.SymbolLookup#libraryLookup(Path, java.lang.foreign.Arena)} or {@link
 * System#load(String)} can open.
 *
 * <p>By default the library comes from the kernels-native jar, resource {@code
 * dev/harmonics/native/<os-arch>/<file>}, extracted once per content hash by {@link
 * NativeLibraryExtractor}. A user build takes precedence when the {@value #PATH_PROPERTY} system
 * property or the {@value #PATH_ENV} environment variable names a directory: the file is then
 * taken from there and nothing is extracted (a missing file there is an error, never a silent
 * fallback to the bundled copy).
 */
public final class HarmonicsNativeLibraries {

  /** System property naming a directory with the user's own build of the libraries. */
  public static final String PATH_PROPERTY = "harmonics.native.path";
  /** Environment variable read when {@link #PATH_PROPERTY} is not set. */
  public static final String PATH_ENV = "HARMONICS_NATIVE_PATH";
  /** Where the kernels-native jar keeps binaries; the platform folder follows. */
  public static final String RESOURCE_ROOT = "dev/harmonics/native/";

  private HarmonicsNativeLibraries() {}

  /** The user's override directory, or null when neither the property nor the variable is set. */
  public static Path overrideDirectory() {
    String configured = System.getProperty(PATH_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(PATH_ENV);
    }
    return configured == null || configured.isBlank() ? null : Path.of(configured.trim());
  }

  /**
   * The path of {@code file} (for example {@code libharmonics_native.so}): from the override
   * directory if one is configured, else extracted from the class path.
   *
   * @throws FileNotFoundException naming where it looked, if the library is in neither place
   */
  public static Path locate(String file) throws IOException {
    return locate(file, overrideDirectory(), HarmonicsNativeLibraries.class.getClassLoader(),
        NativeLibraryExtractor.defaultCacheRoot());
  }

  static Path locate(String file, Path override, ClassLoader loader, Path cacheRoot)
      throws IOException {
    if (override != null) {
      Path candidate = override.resolve(file);
      if (!Files.isRegularFile(candidate)) {
        throw new FileNotFoundException(file + " not found in " + override + " (set by -D"
            + PATH_PROPERTY + " or " + PATH_ENV + ")");
      }
      return candidate.toAbsolutePath();
    }
    String platform = Platform.current();
    String dir = RESOURCE_ROOT + platform + "/";
    if (loader.getResource(dir + file) == null) {
      throw new FileNotFoundException(file + " is not bundled for " + platform + " (no class-path "
          + "resource " + dir + file + "): the kernels-native jar was built without it, which "
          + "happens when cmake or a C compiler was missing at build time; build it, or point -D"
          + PATH_PROPERTY + " at a directory holding it");
    }
    return NativeLibraryExtractor.extract("harmonics-" + platform, loader, dir, List.of(file),
        cacheRoot).resolve(file);
  }
}
