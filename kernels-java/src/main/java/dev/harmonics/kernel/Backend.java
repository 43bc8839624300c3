package dev.harmonics.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kernel backends, by the name the {@code harmonics.backend} property and the command line use.
 *
 * <p>The order is the order of preference: {@link #AUTO} takes the first one that is available.
 * {@link #REFERENCE} and {@link #SIMD} live in kernels-java; the others are found at run time
 * through {@link dev.harmonics.kernel.spi.KernelProviderFactory} (ffi-bindings provides them).
 */
public enum Backend {
  /** The best available backend, in the order below. */
  AUTO,
  /** An NVIDIA GPU through the CUDA driver API, NVRTC/PTX kernels and cuBLAS. */
  CUDA,
  /** An OpenCL GPU or accelerator, programs built from source. */
  OPENCL,
  /** An OpenCL device running offline-compiled program binaries, as FPGA toolchains produce. */
  FPGA,
  /** Harmonics' own C kernels (AVX2 / AVX-512 chosen at run time) through FFM. */
  NATIVE_CPU,
  /** {@code jdk.incubator.vector}, multithreaded over the kernel pool. */
  SIMD,
  /** Plain Java; always available; the ground truth in tests. */
  REFERENCE;

  /** The lower-case name with dashes, e.g. {@code native-cpu}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses an {@link #id()}, ignoring case and accepting {@code _} for {@code -}. */
  public static Backend fromId(String id) {
    String wanted = id.trim().replace('_', '-');
    for (Backend b : values()) {
      if (b.id().equalsIgnoreCase(wanted)) {
        return b;
      }
    }
    throw new IllegalArgumentException("unknown kernel backend '" + id + "' (expected one of: "
        + Arrays.stream(values()).map(Backend::id).collect(Collectors.joining(", ")) + ")");
  }
}
