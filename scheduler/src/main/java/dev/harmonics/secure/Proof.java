package dev.harmonics.secure;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One link of a {@link ProofChain}: the step it closes and the SHA-256 digest of that step.
 *
 * <p>A proof crosses process boundaries in one of two forms: {@link #encode()} (46 bytes, for
 * sockets and files: magic {@code HPRF}, a version byte, the step as a big-endian int64, the
 * digest length, the digest) or {@link #toText()} ({@code step:hex}, for logs and JSON). Java
 * serialization (Spark's default) goes through the same validation as {@link #decode}.
 */
public final class Proof implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** The digest algorithm, as {@link MessageDigest} names it. */
  public static final String ALGORITHM = "SHA-256";
  /** Digest length in bytes. */
  public static final int DIGEST_BYTES = 32;
  /** Length of {@link #encode()}'s output. */
  public static final int ENCODED_BYTES = 4 + 1 + 8 + 1 + DIGEST_BYTES;

  private static final byte[] MAGIC = {'H', 'P', 'R', 'F'};
  private static final byte VERSION = 1;
  private static final HexFormat HEX = HexFormat.of();

  private final long step;
  private final byte[] digest;

  /**
   * A proof of {@code step} (0 for a chain's origin) with the given digest (copied).
   *
   * @throws IllegalArgumentException when the step is negative or the digest is not 32 bytes
   */
  public Proof(long step, byte[] digest) {
    if (step < 0) {
      throw new IllegalArgumentException("step: " + step + " (expected >= 0)");
    }
    if (digest == null || digest.length != DIGEST_BYTES) {
      throw new IllegalArgumentException("digest: " + (digest == null ? "null" : digest.length
          + " bytes") + " (expected " + DIGEST_BYTES + " bytes of " + ALGORITHM + ")");
    }
    this.step = step;
    this.digest = digest.clone();
  }

  /** The step this proof closes; the origin of a fresh chain is step 0. */
  public long step() {
    return step;
  }

  /** A copy of the digest. */
  public byte[] digest() {
    return digest.clone();
  }

  void feed(MessageDigest md) {
    md.update(digest);
  }

  /** The digest in lower-case hex. */
  public String hex() {
    return HEX.formatHex(digest);
  }

  /** {@code step:hex}, read back by {@link #parse(String)}. */
  public String toText() {
    return step + ":" + hex();
  }

  /** Reads {@link #toText()}'s form. */
  public static Proof parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "proof \"" + text + "\" (expected step:hex, e.g. 3:" + "ab".repeat(DIGEST_BYTES) + ")");
    }
    long step;
    byte[] digest;
    try {
      step = Long.parseLong(text.substring(0, colon));
      digest = HEX.parseHex(text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("proof \"" + text + "\": " + e.getMessage()
          + " (expected a decimal step, a colon and " + 2 * DIGEST_BYTES + " hex digits)", e);
    }
    return new Proof(step, digest);
  }

  /** The 46-byte wire form. */
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_BYTES)
        .put(MAGIC).put(VERSION).putLong(step).put((byte) DIGEST_BYTES).put(digest)
        .array();
  }

  /**
   * Reads {@link #encode()}'s form.
   *
   * @throws IllegalArgumentException naming what is wrong: length, magic, version, digest length
   */
  public static Proof decode(byte[] bytes) {
    if (bytes.length != ENCODED_BYTES) {
      throw new IllegalArgumentException(
          "encoded proof: " + bytes.length + " bytes (expected " + ENCODED_BYTES + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[4];
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException("encoded proof: magic 0x" + HEX.formatHex(magic)
          + " (expected 0x" + HEX.formatHex(MAGIC) + ", \"HPRF\")");
    }
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "encoded proof: version " + version + " (expected " + VERSION + ")");
    }
    long step = in.getLong();
    int length = in.get() & 0xFF;
    if (length != DIGEST_BYTES) {
      throw new IllegalArgumentException("encoded proof: digest length " + length
          + " (expected " + DIGEST_BYTES + ")");
    }
    byte[] digest = new byte[DIGEST_BYTES];
    in.get(digest);
    return new Proof(step, digest);
  }

  /** Equal step and digest; the digest comparison takes the same time wherever they differ. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Proof p && step == p.step && MessageDigest.isEqual(digest, p.digest);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(step) * 31 + Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "Proof[" + toText() + "]";
  }

  @Serial
  private Object writeReplace() {
    return new Wire(encode());
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a Proof is serialized through its wire form");
  }

  /** The serialized form: the encoded bytes, validated again on the way in. */
  private record Wire(byte[] bytes) implements Serializable {
    @Serial
    private Object readResolve() throws InvalidObjectException {
      try {
        return decode(bytes);
      } catch (IllegalArgumentException e) {
        throw new InvalidObjectException(e.getMessage());
      }
    }
  }
}
