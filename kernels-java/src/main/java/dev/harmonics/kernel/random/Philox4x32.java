package dev.harmonics.kernel.random;

/**
 * Philox-4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw ("Parallel Random
 * Numbers: As Easy as 1, 2, 3", SC 2011), as specified by their Random123 library.
 *
 * <p>It is a keyed bijection of a 128-bit counter: the output for a counter depends only on that
 * counter and the 64-bit key, never on what was generated before. That is what lets every thread,
 * vector lane or device compute the random bits of any element directly and get the same answer.
 *
 * <p>Each of the ten rounds multiplies words 0 and 2 by fixed constants, keeps both halves of the
 * 64-bit products, and mixes the high halves into the other two words with the round key; the key
 * is advanced by a Weyl increment between rounds. Words are unsigned 32-bit values held in
 * {@code int}s; word 0 is the least significant word of the counter.
 */
public final class Philox4x32 {

  /** Multiplier of counter word 0. */
  public static final int M0 = 0xD2511F53;
  /** Multiplier of counter word 2. */
  public static final int M1 = 0xCD9E8D57;
  /** Weyl increment of key word 0 between rounds (the golden ratio, 32 bits). */
  public static final int W0 = 0x9E3779B9;
  /** Weyl increment of key word 1 between rounds (sqrt(3) - 1, 32 bits). */
  public static final int W1 = 0xBB67AE85;
  /** Rounds of the standard variant. */
  public static final int ROUNDS = 10;

  private static final long LOW = 0xFFFF_FFFFL;

  private Philox4x32() {}

  /**
   * Encrypts the counter {@code (c0, c1, c2, c3)} under the key {@code (k0, k1)} and writes the
   * four output words to {@code out[0..3]}.
   */
  public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
    int x0 = c0;
    int x1 = c1;
    int x2 = c2;
    int x3 = c3;
    int key0 = k0;
    int key1 = k1;
    for (int round = 0; round < ROUNDS; round++) {
      long p0 = (M0 & LOW) * (x0 & LOW);
      long p1 = (M1 & LOW) * (x2 & LOW);
      x0 = (int) (p1 >>> 32) ^ x1 ^ key0;
      x1 = (int) p1;
      x2 = (int) (p0 >>> 32) ^ x3 ^ key1;
      x3 = (int) p0;
      key0 += W0;
      key1 += W1;
    }
    out[0] = x0;
    out[1] = x1;
    out[2] = x2;
    out[3] = x3;
  }

  /**
   * The four output words for a four-word counter and a two-word key.
   *
   * @param counter four words, least significant first
   * @param key two words
   */
  public static int[] block(int[] counter, int[] key) {
    if (counter.length != 4 || key.length != 2) {
      throw new IllegalArgumentException("counter has " + counter.length + " words and key "
          + key.length + " (expected: 4 and 2)");
    }
    int[] out = new int[4];
    block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
    return out;
  }

  /**
   * The round keys of {@code (k0, k1)}: entry {@code 2r} and {@code 2r+1} are key words 0 and 1 of
   * round {@code r}, as unsigned values. Vectorised implementations broadcast these.
   */
  public static long[] roundKeys(int k0, int k1) {
    long[] keys = new long[2 * ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      keys[2 * r] = (k0 + r * W0) & LOW;
      keys[2 * r + 1] = (k1 + r * W1) & LOW;
    }
    return keys;
  }
}
