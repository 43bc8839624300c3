package dev.harmonics.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the CUDA kernel files (PTX, cubins, the .cu sources and their header) are read from: the
 * directory named by {@code -Dharmonics.cuda.kernels=DIR} (a user's own build) when set, else the
 * class path under {@link #RESOURCE_DIR}, where the kernels-native jar carries them. PTX and cubins
 * do not depend on the host platform, so one folder serves every platform.
 */
final class KernelSources {

  static final String DIRECTORY_PROPERTY = "harmonics.cuda.kernels";
  static final String RESOURCE_DIR = "dev/harmonics/native/cuda/";
  /** The header every module includes, handed to NVRTC by name. */
  static final String HEADER = "harmonics_cuda.cuh";

  private KernelSources() {}

  /** The file's bytes, if present. */
  static Optional<byte[]> read(String fileName) {
    String dir = System.getProperty(DIRECTORY_PROPERTY);
    try {
      if (dir != null && !dir.isBlank()) {
        Path file = Path.of(dir, fileName);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
      }
      try (InputStream in = KernelSources.class.getClassLoader()
          .getResourceAsStream(RESOURCE_DIR + fileName)) {
        return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CUDA kernel file " + fileName, e);
    }
  }

  /** Where files are looked up, for messages. */
  static String describe() {
    String dir = System.getProperty(DIRECTORY_PROPERTY);
    return dir != null && !dir.isBlank()
        ? dir + " (-D" + DIRECTORY_PROPERTY + ")"
        : "the class path at " + RESOURCE_DIR + " (the kernels-native jar)";
  }
}
