package dev.harmonics.backend.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The OpenCL C programs of the backend, one per source file. Each program's text is the shared
 * {@code common.cl} (types and activation functions) followed by its own file.
 *
 * <p>The files live in {@code kernels-native/src/opencl/} and are read as class-path resources
 * under {@value #RESOURCE_DIR}: ffi-bindings' build copies them there until kernels-native's jar
 * carries them at the same path.
 */
enum Program {
  GEMM,
  POINTWISE,
  REDUCE,
  LAYOUT,
  SPATIAL;

  static final String RESOURCE_DIR = "dev/harmonics/opencl/";

  private volatile String source;
  private volatile String hash;

  /** The file name, e.g. {@code gemm.cl}; also the binary's base name in FPGA mode. */
  String fileName() {
    return name().toLowerCase(Locale.ROOT) + ".cl";
  }

  /** The complete source handed to the compiler. */
  String source() {
    String s = source;
    if (s == null) {
      s = read("common.cl") + "\n" + read(fileName());
      source = s;
    }
    return s;
  }

  /** SHA-256 of {@link #source()}, hex: the program's identity in caches and binary directories. */
  String sourceHash() {
    String h = hash;
    if (h == null) {
      h = sha256(source());
      hash = h;
    }
    return h;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String read(String file) {
    try (InputStream in = Program.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + file)) {
      if (in == null) {
        throw new IllegalStateException("OpenCL source " + RESOURCE_DIR + file
            + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read OpenCL source " + file, e);
    }
  }
}
