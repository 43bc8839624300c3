package dev.harmonics.transport.tcp;

import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.Transport;
import java.time.Duration;

/**
 * A TCP listener in its own JVM for {@link TcpPeerKilledTest}: prints its port, then takes
 * tensors until it is killed. Its output is the test's protocol, hence System.out.
 */
public final class ListenerProcess {

  private ListenerProcess() {}

  public static void main(String[] args) {
    TcpTensorServer server = TcpTensorServer.listen(
        RemoteBinding.of("peer", "127.0.0.1", 0, Transport.TCP), LinkPolicy.DEFAULT);
    System.out.println("port " + server.port());
    System.out.flush();
    while (true) {
      server.receive(Duration.ofSeconds(1)).ifPresent(m -> {
        System.out.println("received " + m.name());
        System.out.flush();
        m.tensor().close();
      });
    }
  }
}
