package dev.harmonics.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The CPU kernel backends of this module, by the name the {@code harmonics.backend} property uses.
 */
public enum KernelBackend {
  /** Plain Java; always available. */
  REFERENCE,
  /** {@code jdk.incubator.vector}, multithreaded over the kernel pool. */
  SIMD;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code reference} or {@code simd}, ignoring case. */
  public static KernelBackend fromId(String id) {
    for (KernelBackend b : values()) {
      if (b.id().equalsIgnoreCase(id.trim())) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown kernel backend '" + id + "' (expected one of: auto, "
            + Arrays.stream(values()).map(KernelBackend::id).collect(Collectors.joining(", "))
            + ")");
  }
}
