package dev.harmonics.backend.cuda;

/**
 * The sizes the device memory pool allocates: requests are rounded up to a size class so that a
 * freed buffer fits many later requests. Up to 1 MiB the classes are powers of two from 256 bytes;
 * above, they are multiples of an eighth of the power of two just below the request (100 MiB
 * rounds to 104 MiB), so no request wastes more than 12.5 % of its buffer while big tensors of
 * nearby sizes still share buffers.
 */
final class SizeClasses {

  static final long MIN_BYTES = 256;
  static final long POWER_OF_TWO_LIMIT = 1L << 20;
  static final int STEPS_PER_DOUBLING = 8;

  private SizeClasses() {}

  /** The size class a request for {@code bytes} is served from. */
  static long classOf(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
    }
    if (bytes <= MIN_BYTES) {
      return MIN_BYTES;
    }
    long power = Long.highestOneBit(bytes - 1) << 1;
    if (power <= POWER_OF_TWO_LIMIT) {
      return power;
    }
    long step = power / 2 / STEPS_PER_DOUBLING;
    return (bytes + step - 1) / step * step;
  }
}
