package dev.harmonics.ffi.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A system shared library found and opened for the life of the JVM, or the reason it could not
 * be. CUDA's libraries come from the NVIDIA driver (libcuda) and a CUDA installation (NVRTC,
 * cuBLAS), never from a jar: the toolkit's redistributable copies are too big to ship.
 *
 * <p>Search order: the dynamic linker's own search for the exact name (ldconfig cache, {@code
 * LD_LIBRARY_PATH}), then every directory of {@link #searchDirectories()} for the exact name and
 * for versioned files matching the pattern, newest version first.
 */
@SuppressWarnings("restricted")
public final class SharedLibrary {

  private final String description;
  private final SymbolLookup lookup;
  private final String location;
  private final String failure;

  private SharedLibrary(String description, SymbolLookup lookup, String location,
      String failure) {
    this.description = description;
    this.lookup = lookup;
    this.location = location;
    this.failure = failure;
  }

  /**
   * Finds and opens a library.
   *
   * @param description what it is, for messages, e.g. {@code libcuda.so.1 (the NVIDIA driver)}
   * @param names exact file names to try, best first
   * @param versioned file names also accepted in the search directories (e.g. {@code
   *     libnvrtc\.so\.\d+(\.\d+)*}); null for none
   * @param directories where to look after the dynamic linker's own search
   */
  public static SharedLibrary open(String description, List<String> names, Pattern versioned,
      List<Path> directories) {
    List<String> tried = new ArrayList<>();
    for (String name : names) {
      try {
        return found(description, SymbolLookup.libraryLookup(name, Arena.global()), name);
      } catch (IllegalArgumentException notFound) {
        tried.add(name);
      }
    }
    List<String> unloadable = new ArrayList<>();
    for (Path candidate : candidates(names, versioned, directories)) {
      try {
        return found(description, SymbolLookup.libraryLookup(candidate, Arena.global()),
            candidate.toString());
      } catch (IllegalArgumentException e) {
        unloadable.add(candidate + " (" + e.getMessage() + ")");
      }
    }
    String failure = unloadable.isEmpty()
        ? "no " + description + ": not found by the dynamic linker nor in " + directories
            + (tried.isEmpty() ? "" : " (looked for " + tried + ")")
        : "no usable " + description + ": found but could not be loaded: " + unloadable;
    return new SharedLibrary(description, null, null, failure);
  }

  private static SharedLibrary found(String description, SymbolLookup lookup, String where) {
    return new SharedLibrary(description, lookup, where, null);
  }

  private static Set<Path> candidates(List<String> names, Pattern versioned,
      List<Path> directories) {
    Set<Path> out = new LinkedHashSet<>();
    for (Path dir : directories) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      for (String name : names) {
        Path exact = dir.resolve(name);
        if (Files.exists(exact)) {
          out.add(exact);
        }
      }
      if (versioned != null) {
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path file : files) {
            if (versioned.matcher(file.getFileName().toString()).matches()) {
              matches.add(file);
            }
          }
        } catch (IOException unreadable) {
          continue;
        }
        matches.sort(Comparator.comparing((Path p) -> p.getFileName().toString(),
            SharedLibrary::compareVersions).reversed());
        out.addAll(matches);
      }
    }
    return out;
  }

  /** Compares file names by their numeric parts, so libfoo.so.13 sorts after libfoo.so.9. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\D+");
    String[] y = b.split("\\D+");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length && !x[i].isEmpty() ? Long.parseLong(x[i]) : -1;
      long q = i < y.length && !y[i].isEmpty() ? Long.parseLong(y[i]) : -1;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    return a.compareTo(b);
  }

  /**
   * The usual places for CUDA and driver libraries: {@code LD_LIBRARY_PATH}, {@code CUDA_HOME}
   * and {@code CUDA_PATH}, {@code /usr/local/cuda}, the distribution's library folders and WSL's.
   */
  public static List<Path> searchDirectories() {
    Set<Path> dirs = new LinkedHashSet<>();
    String ldPath = System.getenv("LD_LIBRARY_PATH");
    if (ldPath != null) {
      for (String entry : ldPath.split(":")) {
        if (!entry.isBlank()) {
          dirs.add(Path.of(entry));
        }
      }
    }
    for (String variable : List.of("CUDA_HOME", "CUDA_PATH")) {
      String home = System.getenv(variable);
      if (home != null && !home.isBlank()) {
        dirs.add(Path.of(home, "lib64"));
        dirs.add(Path.of(home, "targets", "x86_64-linux", "lib"));
      }
    }
    for (String dir : List.of("/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
        "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/lib/wsl/lib")) {
      dirs.add(Path.of(dir));
    }
    return List.copyOf(dirs);
  }

  /** Whether the library was opened. */
  public boolean isLoaded() {
    return lookup != null;
  }

  /** Where it was opened from (a name the dynamic linker resolved, or a path). */
  public String location() {
    return location;
  }

  /** Why it could not be opened; null when it was. */
  public String failure() {
    return failure;
  }

  /** What this library is, as given to {@link #open}. */
  public String description() {
    return description;
  }

  /** The first of {@code symbols} the library exports. */
  public Optional<MemorySegment> find(String... symbols) {
    for (String symbol : symbols) {
      Optional<MemorySegment> address = lookup.find(symbol);
      if (address.isPresent()) {
        return address;
      }
    }
    return Optional.empty();
  }

  /** The first of {@code symbols} the library exports, or an exception naming them all. */
  public MemorySegment require(String... symbols) {
    return find(symbols).orElseThrow(() -> new UnsupportedOperationException(
        description + " at " + location + " exports none of " + List.of(symbols)));
  }
}
