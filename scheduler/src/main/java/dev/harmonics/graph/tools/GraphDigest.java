package dev.harmonics.graph.tools;

import dev.harmonics.graph.HarmonicGraph;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stable identity for a graph: the SHA-256 of its {@link CanonicalForm}, in lower-case hex.
 * A graph built in Java and the same graph parsed from HARP have the same digest, however the
 * file orders its declarations or splits its flow lines; any change to a name, shape, setting,
 * arrow or tap changes it. Checkpoints record it to refuse weights of another graph.
 */
public final class GraphDigest {

  private GraphDigest() {}

  /** SHA-256 of the canonical form, 64 hex digits. */
  public static String of(HarmonicGraph graph) {
    return HexFormat.of().formatHex(sha256().digest(
        CanonicalForm.of(graph).getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing, yet every JDK must provide it", e);
    }
  }
}
