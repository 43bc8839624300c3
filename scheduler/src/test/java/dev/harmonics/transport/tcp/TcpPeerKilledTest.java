package dev.harmonics.transport.tcp;

import static dev.harmonics.transport.TransportFixtures.FAST;
import static dev.harmonics.transport.TransportFixtures.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.Transport;
import dev.harmonics.transport.TransportException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The peer is a real process, killed with SIGKILL mid-stream: the sender retries, then fails with
 * an error naming the binding. Starts a second JVM, so it takes a few seconds (more on a loaded
 * machine).
 */
class TcpPeerKilledTest {

  @Test
  void retriesAfterThePeerProcessIsKilledThenNamesTheBinding() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process peer = new ProcessBuilder(java.toString(), "-cp",
        System.getProperty("java.class.path"), ListenerProcess.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertTrue(first != null && first.startsWith("port "), "listener said: " + first);
      int port = Integer.parseInt(first.substring(5));
      RemoteBinding binding = RemoteBinding.of("killed", "127.0.0.1", port, Transport.TCP);
      try (TcpTensorClient client = TcpTensorClient.connect(binding, FAST);
          Tensor t = random(DType.FLOAT32, 1, 1 << 20)) {
        client.send(new TensorMessage("acknowledged", t));
        assertEquals("received acknowledged", out.readLine());
        peer.destroyForcibly();
        assertTrue(peer.waitFor(10, TimeUnit.SECONDS), "the peer process ended");
        TransportException e = assertThrows(TransportException.class, () -> {
          for (int i = 0; i < 10; i++) {
            client.send(new TensorMessage("after-" + i, t));
          }
        });
        assertTrue(e.getMessage().startsWith("binding 'killed' (tcp 127.0.0.1:" + port + ")"),
            e.getMessage());
        assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
      }
    } catch (IOException e) {
      throw new AssertionError("cannot talk to the listener process", e);
    } finally {
      peer.destroyForcibly();
    }
  }
}
