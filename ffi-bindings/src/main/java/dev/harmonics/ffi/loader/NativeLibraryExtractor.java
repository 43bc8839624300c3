package dev.harmonics.ffi.loader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Copies native libraries shipped as class-path resources into a per-user cache directory, so that
 * {@link java.lang.foreign.SymbolLookup#libraryLookup(Path, java.lang.foreign.Arena)} can open
 * them.
 *
 * <p>The cache directory is named after a SHA-256 of the files' contents, so a new library version
 * never reuses stale files and an unchanged one is extracted only once per machine. Extraction is
 * safe when several JVMs start at once: each writes a private temporary directory and renames it
 * into place atomically; a JVM that loses the race drops its copy and uses the winner's. A
 * directory under the final name is therefore always complete.
 *
 * <p>The cache root is the {@code harmonics.native.cache} system property if set, otherwise {@code
 * $XDG_CACHE_HOME/harmonics/native} or {@code ~/.cache/harmonics/native}.
 */
public final class NativeLibraryExtractor {

  /** System property overriding the cache root. */
  public static final String CACHE_PROPERTY = "harmonics.native.cache";

  private NativeLibraryExtractor() {}

  /** The per-user directory under which extracted libraries are kept. */
  public static Path defaultCacheRoot() {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured.trim());
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("harmonics").resolve("native");
  }

  /** {@link #extract(String, ClassLoader, String, List, Path)} into {@link #defaultCacheRoot()}. */
  public static Path extract(String name, ClassLoader loader, String resourceDir,
      List<String> files) throws IOException {
    return extract(name, loader, resourceDir, files, defaultCacheRoot());
  }

  /**
   * Makes {@code files}, found as resources {@code resourceDir + file} of {@code loader}, available
   * in one directory under {@code cacheRoot}, and returns that directory.
   *
   * @param name a prefix for the directory name, for people looking at the cache
   * @param resourceDir a resource path prefix ending with {@code /}
   * @throws FileNotFoundException if a resource is missing
   * @throws IOException if the cache cannot be written
   */
  public static Path extract(String name, ClassLoader loader, String resourceDir,
      List<String> files, Path cacheRoot) throws IOException {
    Objects.requireNonNull(loader, "loader");
    String hash = contentHash(loader, resourceDir, files);
    Path target = cacheRoot.resolve(name + "-" + hash);
    if (isComplete(target, files)) {
      return target;
    }
    Files.createDirectories(cacheRoot);
    Path staging = Files.createTempDirectory(cacheRoot, "." + name + "-");
    try {
      for (String file : files) {
        try (InputStream in = open(loader, resourceDir + file)) {
          Files.copy(in, staging.resolve(file));
        }
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException lostRace) {
        // Another JVM renamed its copy into place first (the target exists and is not empty).
        if (!isComplete(target, files)) {
          throw lostRace;
        }
      }
    } finally {
      deleteRecursively(staging);
    }
    if (!isComplete(target, files)) {
      throw new IOException("extracted " + files + " to " + target + " but they are not all there");
    }
    return target;
  }

  private static boolean isComplete(Path dir, List<String> files) {
    return Files.isDirectory(dir)
        && files.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  private static InputStream open(ClassLoader loader, String resource) throws IOException {
    InputStream in = loader.getResourceAsStream(resource);
    if (in == null) {
      throw new FileNotFoundException("class-path resource " + resource + " not found");
    }
    return in;
  }

  /** SHA-256 over each file's name and bytes, as 16 hex digits. */
  private static String contentHash(ClassLoader loader, String resourceDir, List<String> files)
      throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    for (String file : files) {
      digest.update(file.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      try (InputStream in = open(loader, resourceDir + file)) {
        for (int read; (read = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, read);
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
