package dev.harmonics.runtime.layer;

/**
 * A small, fully specified pseudo-random generator (SplitMix64) whose whole state is one
 * {@code long}, so a checkpoint can store it and a resumed run draws exactly the same numbers.
 * The JDK's generators do not promise their algorithm across versions; this one is fixed here.
 */
public final class SeededRandom {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private long state;

  /** A generator whose sequence is fixed by {@code seed}. */
  public SeededRandom(long seed) {
    this.state = seed;
  }

  /** A generator for one purpose under {@code seed}, independent of the others' draws. */
  public static SeededRandom derive(long seed, String purpose) {
    return new SeededRandom(mix(seed ^ mix(purpose.hashCode() * GOLDEN_GAMMA)));
  }

  /** The state to store; {@link #restore(long)} continues from exactly here. */
  public long state() {
    return state;
  }

  /** Continues from a state {@link #state()} returned. */
  public void restore(long savedState) {
    this.state = savedState;
  }

  /** The next 64 random bits. */
  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in {@code [0, 1)}. */
  public double nextDouble() {
    return (nextLong() >>> 11) * DOUBLE_UNIT;
  }

  /** Uniform in {@code [0, bound)}, without modulo bias. */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound: " + bound + " (expected: > 0)");
    }
    int bits;
    int value;
    do {
      bits = (int) (nextLong() >>> 33);
      value = bits % bound;
    } while (bits - value + (bound - 1) < 0);
    return value;
  }

  /** A standard normal draw (Box-Muller, one of the pair used). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
