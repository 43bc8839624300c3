package dev.harmonics.transport.tcp;

import static dev.harmonics.transport.TransportFixtures.FAST;
import static dev.harmonics.transport.TransportFixtures.WAIT;
import static dev.harmonics.transport.TransportFixtures.assertSameMessage;
import static dev.harmonics.transport.TransportFixtures.random;
import static dev.harmonics.transport.TransportFixtures.roundTripEveryDtypeAndShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.SelfSignedTls;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.Transport;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.RawFrames;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TCP ends over real loopback sockets; attacks come from plain {@link Socket}s. */
class TcpTransportTest {

  private static final RemoteBinding LOOPBACK =
      RemoteBinding.of("boundary", "127.0.0.1", 0, Transport.TCP);

  private TcpTensorServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private TcpTensorClient client(RemoteBinding binding) {
    return TcpTensorClient.connect(binding.withPort(server.port()), FAST);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void roundTripsEveryDtypeAndShapeBothWays(boolean compress) {
    server = TcpTensorServer.listen(LOOPBACK.withCompress(compress), FAST);
    try (TcpTensorClient client = client(LOOPBACK.withCompress(compress))) {
      roundTripEveryDtypeAndShape(client, server);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void carriesA16MegabyteTensor(boolean compress) {
    server = TcpTensorServer.listen(LOOPBACK, FAST);
    try (TcpTensorClient client = client(LOOPBACK.withCompress(compress));
        Tensor big = random(DType.FLOAT32, 6, 4 << 20)) {
      TensorMessage m = new TensorMessage("big", big);
      client.send(m);
      try (Tensor got = server.receive(WAIT).orElseThrow().tensor()) {
        assertSameMessage(m, new TensorMessage("big", got));
      }
    }
  }

  @Test
  void refusesGarbageOnOneConnectionAndKeepsServingTheOthers() throws IOException {
    server = TcpTensorServer.listen(LOOPBACK, FAST);
    try (TcpTensorClient good = client(LOOPBACK);
        Tensor first = random(DType.FLOAT32, 7, 16);
        Tensor second = random(DType.INT32, 8, 16)) {
      good.send(new TensorMessage("first", first));
      assertRefused("bad magic", () -> "GET / HTTP/1.1\r\n\r\n".getBytes());
      assertRefused("CRC32C mismatch", () -> {
        byte[] frame = RawFrames.encode(Frame.data(1, new TensorMessage("x", second)));
        frame[frame.length - 9] ^= 0x40;
        return concat(RawFrames.hello(null), frame);
      });
      assertRefused("announces a body of",
          () -> concat(RawFrames.hello(null), RawFrames.headerOnly(0x7FFFFFF0L)));
      assertRefused("zstd payload of 'bomb'",
          () -> concat(RawFrames.hello(null), RawFrames.zstdBomb(1, new int[] {16}, 1 << 24)));
      assertRefused("expected a HELLO first",
          () -> RawFrames.encode(Frame.data(1, new TensorMessage("x", second))));
      assertRefused("truncated after", () -> {
        byte[] frame = RawFrames.encode(Frame.data(1, new TensorMessage("x", second)));
        return concat(RawFrames.hello(null), Arrays.copyOf(frame, 30));
      }, true);
      good.send(new TensorMessage("second", second));
      assertSameMessage(new TensorMessage("first", first), server.receive(WAIT).orElseThrow());
      assertSameMessage(new TensorMessage("second", second), server.receive(WAIT).orElseThrow());
      assertEquals(6, server.refusals().size(), server.refusals().toString());
    }
  }

  @Test
  void sendsNothingOverItsOwnLimit() {
    server = TcpTensorServer.listen(LOOPBACK, FAST);
    try (TcpTensorClient client = client(LOOPBACK.withMaxMessageSize(1024));
        Tensor t = Tensor.zeros(257)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> client.send(new TensorMessage("w", t)));
      assertTrue(e.getMessage().contains("1028 bytes"), e.getMessage());
      assertTrue(server.receive(Duration.ofMillis(100)).isEmpty());
    }
  }

  @Test
  void refusesATensorOverTheReceiversLimitAndKeepsEarlierOnes() {
    server = TcpTensorServer.listen(LOOPBACK.withMaxMessageSize(1024), FAST);
    try (TcpTensorClient client = client(LOOPBACK);
        Tensor small = random(DType.FLOAT32, 9, 256);
        Tensor big = random(DType.FLOAT32, 9, 257)) {
      client.send(new TensorMessage("small", small));
      TransportException e = assertThrows(TransportException.class,
          () -> client.send(new TensorMessage("big", big)));
      assertTrue(e.getMessage().contains("binding 'boundary'"), e.getMessage());
      assertTrue(e.getMessage().contains("maxMessageSize 1024"), e.getMessage());
      assertSameMessage(new TensorMessage("small", small), server.receive(WAIT).orElseThrow());
    }
  }

  @Test
  void admitsOnlyPeersThatKnowTheToken() {
    server = TcpTensorServer.listen(LOOPBACK.withToken("open sesame"), FAST);
    TransportException e = assertThrows(TransportException.class,
        () -> client(LOOPBACK.withToken("guess")));
    assertTrue(e.getMessage().contains("token does not match"), e.getMessage());
    assertThrows(TransportException.class, () -> client(LOOPBACK));
    try (TcpTensorClient client = client(LOOPBACK.withToken("open sesame"));
        Tensor t = random(DType.INT8, 10, 5)) {
      client.send(new TensorMessage("t", t));
      assertSameMessage(new TensorMessage("t", t), server.receive(WAIT).orElseThrow());
    }
    assertTrue(server.refusals().stream().allMatch(r -> r.contains("token does not match")));
  }

  /** The slowest test here (2 to 9 s on two shared cores): the JDK TLS engine starts cold. */
  @Test
  void roundTripsOverTlsAndRefusesPlainText(@TempDir Path dir) throws IOException {
    RemoteBinding tls = LOOPBACK.withTls(SelfSignedTls.create(dir)).withToken("t");
    server = TcpTensorServer.listen(tls, FAST);
    try (TcpTensorClient client = client(tls); Tensor t = random(DType.FLOAT32, 11, 64, 64)) {
      client.send(new TensorMessage("secret", t));
      assertSameMessage(new TensorMessage("secret", t), server.receive(WAIT).orElseThrow());
      server.send(new TensorMessage("back", t));
      assertSameMessage(new TensorMessage("back", t), client.receive(WAIT).orElseThrow());
    }
    LinkPolicy once = FAST.withAttempts(1, Duration.ofMillis(1), Duration.ofMillis(1));
    assertThrows(TransportException.class, () -> TcpTensorClient.connect(
        LOOPBACK.withToken("t").withPort(server.port()), once));
  }

  @Test
  void retriesAfterThePeerDiesThenNamesTheBinding() {
    server = TcpTensorServer.listen(LOOPBACK, FAST);
    int port = server.port();
    try (TcpTensorClient client = client(LOOPBACK); Tensor t = random(DType.FLOAT32, 12, 8)) {
      client.send(new TensorMessage("before", t));
      assertSameMessage(new TensorMessage("before", t), server.receive(WAIT).orElseThrow());
      server.close();
      server = null;
      TransportException e = assertThrows(TransportException.class,
          () -> client.send(new TensorMessage("after", t)));
      assertTrue(e.getMessage().contains("binding 'boundary' (tcp 127.0.0.1:" + port + ")"),
          e.getMessage());
      assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    }
  }

  @Test
  void reconnectsWhenThePeerComesBackWithinTheRetries() {
    server = TcpTensorServer.listen(LOOPBACK, FAST);
    int port = server.port();
    try (TcpTensorClient client = client(LOOPBACK); Tensor t = random(DType.FLOAT32, 13, 8)) {
      client.send(new TensorMessage("before", t));
      server.receive(WAIT).orElseThrow().tensor().close();
      server.close();
      server = TcpTensorServer.listen(LOOPBACK.withPort(port), FAST);
      client.send(new TensorMessage("after", t));
      assertSameMessage(new TensorMessage("after", t), server.receive(WAIT).orElseThrow());
    }
  }

  @Test
  void dropsASilentPeer() throws IOException {
    server = TcpTensorServer.listen(
        LOOPBACK, FAST.withLiveness(Duration.ofMillis(100), Duration.ofMillis(500)));
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.getOutputStream().write(RawFrames.hello(null));
      socket.setSoTimeout((int) WAIT.toMillis());
      drainUntilClosed(socket.getInputStream());
    }
    assertTrue(server.refusals().getLast().contains("presumed dead"), server.refusals().toString());
  }

  /** A "server" that completes the handshake, then never answers: the client must give up. */
  @Test
  void detectsAServerThatHangsAndGivesUpNamingTheBinding() throws Exception {
    try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            Socket s = hung.accept();
            held.add(s);
            s.getInputStream().readNBytes(RawFrames.hello(null).length);
            s.getOutputStream().write(RawFrames.encode(Frame.welcome(1)));
          }
        } catch (IOException closed) {
          // The test closed the listening socket.
        }
      });
      RemoteBinding binding = LOOPBACK.withPort(hung.getLocalPort());
      try (TcpTensorClient client = TcpTensorClient.connect(binding,
              FAST.withLiveness(Duration.ofMillis(100), Duration.ofMillis(500)));
          Tensor t = random(DType.FLOAT32, 14, 4)) {
        TransportException e = assertThrows(TransportException.class,
            () -> client.send(new TensorMessage("lost", t)));
        assertTrue(e.getMessage().contains("binding 'boundary' (tcp 127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains("presumed dead"), e.getMessage());
      } finally {
        hung.close();
        acceptor.join();
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void failsClearlyWhenNothingListens() {
    RemoteBinding nowhere = LOOPBACK.withPort(1);
    TransportException e = assertThrows(TransportException.class,
        () -> TcpTensorClient.connect(nowhere, FAST));
    assertTrue(e.getMessage().startsWith("binding 'boundary' (tcp 127.0.0.1:1)"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot connect after 3 attempts"), e.getMessage());
  }

  private void assertRefused(String reason, Supplier<byte[]> attack) throws IOException {
    assertRefused(reason, attack, false);
  }

  /** Sends the bytes from a plain socket; the server must close it and log why. */
  private void assertRefused(String reason, Supplier<byte[]> attack, boolean halfClose)
      throws IOException {
    int before = server.refusals().size();
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.getOutputStream().write(attack.get());
      socket.getOutputStream().flush();
      if (halfClose) {
        socket.shutdownOutput();
      }
      drainUntilClosed(socket.getInputStream());
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (server.refusals().size() == before && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    String last = server.refusals().getLast();
    assertTrue(last.contains(reason), "'" + last + "' names " + reason);
  }

  private static void drainUntilClosed(InputStream in) throws IOException {
    byte[] sink = new byte[4096];
    while (in.read(sink) >= 0) {
      // The server may send an ERROR frame before closing; read to the end of the stream.
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
