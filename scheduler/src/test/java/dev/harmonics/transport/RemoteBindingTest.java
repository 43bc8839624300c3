package dev.harmonics.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.Tensor;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemoteBindingTest {

  @Test
  void namesItselfInErrors() {
    RemoteBinding b = RemoteBinding.of("dense1", "localhost", 7070, Transport.GRPC);
    assertEquals("binding 'dense1' (grpc localhost:7070)", b.describe());
    assertTrue(b.withTls(new TlsConfig(null, null, null)).describe().endsWith(", tls)"));
  }

  @Test
  void resolvesHostNamesWithTheSystemResolver() {
    assertTrue(RemoteBinding.of("a", "localhost", 1, Transport.TCP).resolve().getAddress()
        .isLoopbackAddress());
    TransportException e = assertThrows(TransportException.class,
        () -> RemoteBinding.of("a", "no-such-host.invalid", 1, Transport.TCP).resolve());
    assertTrue(e.getMessage().contains("'no-such-host.invalid' does not resolve"));
  }

  @Test
  void refusesInvalidFields() {
    assertThrows(IllegalArgumentException.class,
        () -> RemoteBinding.of(" ", "h", 1, Transport.TCP));
    assertThrows(IllegalArgumentException.class,
        () -> RemoteBinding.of("n", "", 1, Transport.TCP));
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> RemoteBinding.of("n", "h", 70000, Transport.TCP));
    assertTrue(port.getMessage().contains("binding 'n': port 70000"));
    assertThrows(NullPointerException.class, () -> RemoteBinding.of("n", "h", 1, null));
    RemoteBinding ok = RemoteBinding.of("n", "h", 1, Transport.TCP);
    assertThrows(IllegalArgumentException.class, () -> ok.withMaxMessageSize(0));
    assertThrows(IllegalArgumentException.class, () -> ok.withMaxMessageSize(Integer.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> ok.withToken(""));
  }

  @Test
  void policyBacksOffExponentiallyUpToItsCap() {
    LinkPolicy p = LinkPolicy.DEFAULT.withAttempts(10, Duration.ofMillis(100),
        Duration.ofMillis(1000));
    assertEquals(Duration.ofMillis(100), p.backoff(1));
    assertEquals(Duration.ofMillis(200), p.backoff(2));
    assertEquals(Duration.ofMillis(800), p.backoff(4));
    assertEquals(Duration.ofMillis(1000), p.backoff(9));
    assertThrows(IllegalArgumentException.class,
        () -> p.withLiveness(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }

  @Test
  void messagesCheckNameProofAndContiguity() {
    try (Tensor t = Tensor.zeros(2, 3)) {
      assertThrows(IllegalArgumentException.class, () -> new TensorMessage("", t));
      assertThrows(IllegalArgumentException.class,
          () -> new TensorMessage("x".repeat(1025), t));
      assertThrows(IllegalArgumentException.class,
          () -> new TensorMessage("p", t, new byte[TensorMessage.MAX_PROOF_BYTES + 1]));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new TensorMessage("v", t.transpose(0, 1)));
      assertTrue(e.getMessage().contains("call contiguous()"), e.getMessage());
    }
  }
}
