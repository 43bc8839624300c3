package dev.harmonics.kernel.simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The per-core data cache sizes that cache-blocked kernels budget for, read once from Linux's
 * {@code /sys/devices/system/cpu/cpu0/cache}. Where that is unreadable (another OS, a container
 * that hides it) the sizes of the machine the blocks were first tuned on stand in: 2 MB of L2.
 * {@code harmonics.cache.l2} (bytes, or with a K or M suffix) overrides the L2 size.
 */
final class CacheSizes {

  private static final Path CPU0_CACHES = Path.of("/sys/devices/system/cpu/cpu0/cache");
  private static final long DEFAULT_L2_BYTES = 2L << 20;

  /** Bytes of the level-2 cache one core has. */
  static final long L2_BYTES = selectL2();

  private CacheSizes() {}

  private static long selectL2() {
    String forced = System.getProperty("harmonics.cache.l2");
    if (forced != null && !forced.isBlank()) {
      return parseSize(forced, "harmonics.cache.l2");
    }
    Long read = readLevel(2);
    return read == null ? DEFAULT_L2_BYTES : read;
  }

  /** The size of the data or unified cache of {@code level}, or null where sysfs does not say. */
  private static Long readLevel(int level) {
    for (int index = 0; index < 8; index++) {
      Path dir = CPU0_CACHES.resolve("index" + index);
      try {
        if (!Files.isDirectory(dir)) {
          return null;
        }
        String type = Files.readString(dir.resolve("type")).trim();
        if (Integer.parseInt(Files.readString(dir.resolve("level")).trim()) == level
            && !type.equals("Instruction")) {
          return parseSize(Files.readString(dir.resolve("size")), dir + "/size");
        }
      } catch (IOException | RuntimeException unreadable) {
        return null;
      }
    }
    return null;
  }

  /** {@code 512K}, {@code 2M} or a plain byte count. */
  static long parseSize(String text, String source) {
    String size = text.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (size.endsWith("K")) {
      unit = 1L << 10;
    } else if (size.endsWith("M")) {
      unit = 1L << 20;
    }
    String digits = unit == 1 ? size : size.substring(0, size.length() - 1);
    long bytes;
    try {
      bytes = Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException notASize) {
      bytes = -1;
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException(source + "=" + text.trim()
          + " (expected: a positive size in bytes, or with a K or M suffix)");
    }
    return bytes;
  }
}
