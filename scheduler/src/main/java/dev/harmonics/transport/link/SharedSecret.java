package dev.harmonics.transport.link;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Compares shared-secret tokens in constant time. Both sides are hashed first so the comparison
 * does not even reveal the secret's length; {@link MessageDigest#isEqual} then looks at every byte
 * whatever the first difference.
 */
public final class SharedSecret {

  private SharedSecret() {}

  /** True when {@code presented} equals {@code expected}; a null {@code expected} admits anyone. */
  public static boolean admits(String expected, byte[] presented) {
    if (expected == null) {
      return true;
    }
    return MessageDigest.isEqual(
        sha256(expected.getBytes(StandardCharsets.UTF_8)), sha256(presented));
  }

  /** The token's bytes as sent in a HELLO (empty for none). */
  public static byte[] bytes(String token) {
    return token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
