package dev.harmonics.transport.grpc;

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
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.SelfSignedTls;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.Transport;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.RawFrames;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** gRPC ends over real loopback sockets; bad frames come through a raw-bytes gRPC call. */
class GrpcTransportTest {

  private static final RemoteBinding LOOPBACK =
      RemoteBinding.of("boundary", "127.0.0.1", 0, Transport.GRPC);

  private GrpcTensorServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private GrpcTensorClient client(RemoteBinding binding) {
    return GrpcTensorClient.connect(binding.withPort(server.port()), FAST);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void roundTripsEveryDtypeAndShapeBothWays(boolean compress) {
    server = GrpcTensorServer.listen(LOOPBACK.withCompress(compress), FAST);
    try (GrpcTensorClient client = client(LOOPBACK.withCompress(compress))) {
      roundTripEveryDtypeAndShape(client, server);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void carriesA16MegabyteTensor(boolean compress) {
    server = GrpcTensorServer.listen(LOOPBACK, FAST);
    try (GrpcTensorClient client = client(LOOPBACK.withCompress(compress));
        Tensor big = random(DType.FLOAT32, 6, 4 << 20)) {
      client.send(new TensorMessage("big", big));
      try (Tensor got = server.receive(WAIT).orElseThrow().tensor()) {
        assertSameMessage(new TensorMessage("big", big), new TensorMessage("big", got));
      }
    }
  }

  @Test
  void refusesBadFramesOnOneCallAndKeepsServingTheOthers() throws Exception {
    server = GrpcTensorServer.listen(LOOPBACK, FAST);
    try (GrpcTensorClient good = client(LOOPBACK);
        Tensor first = random(DType.FLOAT32, 7, 16);
        Tensor second = random(DType.INT32, 8, 16)) {
      good.send(new TensorMessage("first", first));
      byte[] corrupt = RawFrames.encode(Frame.data(1, new TensorMessage("x", second)));
      corrupt[corrupt.length - 9] ^= 0x40;
      assertRefusedCall("CRC32C mismatch", corrupt);
      assertRefusedCall("zstd payload of 'bomb'", RawFrames.zstdBomb(1, new int[] {16}, 1 << 24));
      assertRefusedCall("bad magic", "not a frame at all".getBytes());
      assertRefusedCall("announces a body of", RawFrames.headerOnly(0x7FFFFFF0L));
      try (Socket garbage = new Socket("127.0.0.1", server.port())) {
        garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        garbage.setSoTimeout((int) WAIT.toMillis());
        garbage.getInputStream().readAllBytes();
      }
      good.send(new TensorMessage("second", second));
      assertSameMessage(new TensorMessage("first", first), server.receive(WAIT).orElseThrow());
      assertSameMessage(new TensorMessage("second", second), server.receive(WAIT).orElseThrow());
    }
  }

  @Test
  void refusesATensorOverTheReceiversLimitAndKeepsEarlierOnes() {
    server = GrpcTensorServer.listen(LOOPBACK.withMaxMessageSize(1024), FAST);
    try (GrpcTensorClient client = client(LOOPBACK);
        Tensor small = random(DType.FLOAT32, 9, 256);
        Tensor big = random(DType.FLOAT32, 9, 257)) {
      client.send(new TensorMessage("small", small));
      TransportException e = assertThrows(TransportException.class,
          () -> client.send(new TensorMessage("big", big)));
      assertTrue(e.getMessage().contains("binding 'boundary' (grpc 127.0.0.1:"), e.getMessage());
      assertTrue(e.getMessage().contains("maxMessageSize 1024"), e.getMessage());
      assertSameMessage(new TensorMessage("small", small), server.receive(WAIT).orElseThrow());
    }
  }

  @Test
  void admitsOnlyPeersThatKnowTheToken() {
    server = GrpcTensorServer.listen(LOOPBACK.withToken("open sesame"), FAST);
    TransportException e = assertThrows(TransportException.class,
        () -> client(LOOPBACK.withToken("guess")));
    assertTrue(e.getMessage().contains("UNAUTHENTICATED: the token does not match"),
        e.getMessage());
    assertThrows(TransportException.class, () -> client(LOOPBACK));
    try (GrpcTensorClient client = client(LOOPBACK.withToken("open sesame"));
        Tensor t = random(DType.INT8, 10, 5)) {
      client.send(new TensorMessage("t", t));
      assertSameMessage(new TensorMessage("t", t), server.receive(WAIT).orElseThrow());
    }
    assertEquals(6, server.refusals().size(), server.refusals().toString());
  }

  /** The slowest test here (3 to 15 s on two shared cores): the TLS stack starts cold. */
  @Test
  void roundTripsOverTls(@TempDir Path dir) throws IOException {
    RemoteBinding tls = LOOPBACK.withTls(SelfSignedTls.create(dir)).withToken("t");
    server = GrpcTensorServer.listen(tls, FAST);
    try (GrpcTensorClient client = client(tls); Tensor t = random(DType.FLOAT32, 11, 64, 64)) {
      client.send(new TensorMessage("secret", t));
      assertSameMessage(new TensorMessage("secret", t), server.receive(WAIT).orElseThrow());
      server.send(new TensorMessage("back", t));
      assertSameMessage(new TensorMessage("back", t), client.receive(WAIT).orElseThrow());
    }
  }

  @Test
  void retriesAfterThePeerDiesThenNamesTheBinding() {
    server = GrpcTensorServer.listen(LOOPBACK, FAST);
    int port = server.port();
    try (GrpcTensorClient client = client(LOOPBACK); Tensor t = random(DType.FLOAT32, 12, 8)) {
      client.send(new TensorMessage("before", t));
      assertSameMessage(new TensorMessage("before", t), server.receive(WAIT).orElseThrow());
      server.close();
      server = null;
      TransportException e = assertThrows(TransportException.class,
          () -> client.send(new TensorMessage("after", t)));
      assertTrue(e.getMessage().contains("binding 'boundary' (grpc 127.0.0.1:" + port + ")"),
          e.getMessage());
      assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    }
  }

  /** Opens an Exchange call with raw bytes: a valid HELLO, then {@code attack}. */
  private void assertRefusedCall(String reason, byte[] attack) throws Exception {
    int before = server.refusals().size();
    ManagedChannel channel = Grpc.newChannelBuilderForAddress(
        "127.0.0.1", server.port(), InsecureChannelCredentials.create()).build();
    try {
      MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(TensorLinkService.SERVICE + "/Exchange")
          .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
          channel.newCall(raw, CallOptions.DEFAULT), new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) { }

            @Override
            public void onError(Throwable t) {
              ended.complete(t);
            }

            @Override
            public void onCompleted() {
              ended.complete(null);
            }
          });
      requests.onNext(RawFrames.hello(null));
      requests.onNext(attack);
      ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (server.refusals().size() == before && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    String last = server.refusals().getLast();
    assertTrue(last.contains(reason), "'" + last + "' names " + reason);
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
