package dev.harmonics.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of a network link: how long to wait for an acknowledgement, how to retry, and when a
 * silent peer counts as dead.
 *
 * @param maxAttempts connection attempts per send before giving up (at least 1)
 * @param initialBackoff the pause after the first failed attempt; it doubles after each failure
 * @param maxBackoff the longest pause between attempts
 * @param ackTimeout how long a send waits for its acknowledgement on a live connection
 * @param heartbeat how often an idle side sends a ping so the other side knows it lives
 * @param deadAfter silence after which a peer counts as dead and its connection is closed
 *     (longer than {@code heartbeat})
 */
public record LinkPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
    Duration ackTimeout, Duration heartbeat, Duration deadAfter) {

  /** Five attempts over about 1.5 s, 30 s per acknowledgement, ping every 5 s, dead after 15 s. */
  public static final LinkPolicy DEFAULT = new LinkPolicy(5, Duration.ofMillis(100),
      Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(15));

  public LinkPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
    }
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    positive(ackTimeout, "ackTimeout");
    positive(heartbeat, "heartbeat");
    positive(deadAfter, "deadAfter");
    if (deadAfter.compareTo(heartbeat) <= 0) {
      throw new IllegalArgumentException("deadAfter: " + deadAfter
          + " (expected: longer than heartbeat " + heartbeat + ")");
    }
  }

  /** The pause before attempt {@code attempt + 1} after {@code attempt} failures (1-based). */
  public Duration backoff(int attempt) {
    long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }

  public LinkPolicy withAttempts(int attempts, Duration initial, Duration max) {
    return new LinkPolicy(attempts, initial, max, ackTimeout, heartbeat, deadAfter);
  }

  public LinkPolicy withAckTimeout(Duration timeout) {
    return new LinkPolicy(maxAttempts, initialBackoff, maxBackoff, timeout, heartbeat, deadAfter);
  }

  public LinkPolicy withLiveness(Duration ping, Duration dead) {
    return new LinkPolicy(maxAttempts, initialBackoff, maxBackoff, ackTimeout, ping, dead);
  }

  private static void positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
    }
  }
}
