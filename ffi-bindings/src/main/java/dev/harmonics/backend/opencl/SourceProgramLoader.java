package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClContext;
import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.ClProgram;
import dev.harmonics.ffi.opencl.OpenClException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Builds programs from source, with an on-disk cache of the binaries the device produced, keyed by
 * the device (platform, name, versions), the compiler options and the source's SHA-256, so a new
 * driver or a changed kernel never reuses a stale binary. A cached binary the driver rejects is
 * rebuilt from source. The in-memory cache is the provider's: each program is loaded once per
 * device context.
 *
 * <p>The cache root is {@code -Dharmonics.opencl.cache} if set, else {@code
 * $XDG_CACHE_HOME/harmonics/opencl} or {@code ~/.cache/harmonics/opencl}.
 */
final class SourceProgramLoader implements ProgramLoader {

  static final String CACHE_PROPERTY = "harmonics.opencl.cache";
  private static final System.Logger LOG = System.getLogger(SourceProgramLoader.class.getName());

  private final Path cacheRoot;

  SourceProgramLoader(Path cacheRoot) {
    this.cacheRoot = cacheRoot;
  }

  static Path defaultCacheRoot() {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured.trim());
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("harmonics").resolve("opencl");
  }

  /** Where {@code program}'s binary for {@code device} is cached. */
  Path cachedBinary(ClDevice device, Program program) {
    String options = ProgramLoader.options(device);
    String deviceDir = Program.sha256(device.cacheKey() + "|" + options).substring(0, 16);
    return cacheRoot.resolve(deviceDir).resolve(program.sourceHash() + ".bin");
  }

  @Override
  public ClProgram load(ClContext context, Program program) {
    String options = ProgramLoader.options(context.device());
    Path cached = cachedBinary(context.device(), program);
    if (Files.isRegularFile(cached)) {
      try {
        return context.programFromBinary(Files.readAllBytes(cached), options);
      } catch (IOException | OpenClException e) {
        LOG.log(System.Logger.Level.WARNING, "ignoring the cached OpenCL binary " + cached
            + " (" + e.getMessage() + "); building " + program.fileName() + " from source");
      }
    }
    ClProgram built = context.programFromSource(program.source(), options);
    store(cached, built.binary());
    return built;
  }

  /** Writes atomically so concurrent JVMs never read half a file; a failure only costs speed. */
  private static void store(Path target, byte[] binary) {
    try {
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".program-", ".tmp");
      Files.write(temp, binary);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot cache the OpenCL binary at " + target + ": "
          + e.getMessage());
    }
  }

  @Override
  public String describe() {
    return "programs built from source, cached in " + cacheRoot;
  }
}
