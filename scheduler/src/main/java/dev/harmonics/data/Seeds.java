package dev.harmonics.data;

/** Derives independent seeds for each epoch from one user seed. */
final class Seeds {

  private Seeds() {}

  /** A well-mixed seed for (seed, epoch): nearby inputs give unrelated outputs. */
  static long mix(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
