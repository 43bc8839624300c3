package dev.harmonics.transport.grpc;

import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.link.FrameLink;
import dev.harmonics.transport.link.LinkFailure;
import dev.harmonics.transport.link.NetworkChannel;
import dev.harmonics.transport.link.SharedSecret;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connecting end of a gRPC binding: one Exchange call at a time over one managed channel,
 * opened again (with the policy's backoff) whenever a send finds the call gone. gRPC resolves the
 * host name and keeps the HTTP/2 connection alive with its own pings.
 */
public final class GrpcTensorClient extends NetworkChannel {

  /** Received tensors held before the server is held back. */
  public static final int INBOX_CAPACITY = 64;

  private final ManagedChannel channel;
  private final MethodDescriptor<Frame, Frame> exchange;
  private volatile FrameLink current;

  private GrpcTensorClient(RemoteBinding binding, LinkPolicy policy) {
    super(binding, policy, INBOX_CAPACITY);
    if (binding.port() == 0) {
      throw new IllegalArgumentException(binding.describe() + ": a client needs a port");
    }
    exchange = TensorLinkService.exchange(
        new FrameMarshaller(binding.compress(), binding.maxMessageSize(), false));
    Metadata headers = new Metadata();
    headers.put(TensorLinkService.TOKEN, SharedSecret.bytes(binding.token()));
    long heartbeat = policy.heartbeat().toMillis();
    channel = NettyChannelBuilder.forAddress(binding.host(), binding.port(), credentials(binding))
        .maxInboundMessageSize(TensorLinkService.maxInbound(binding.maxMessageSize()))
        .initialFlowControlWindow(TensorLinkService.FLOW_CONTROL_WINDOW)
        .keepAliveTime(heartbeat, TimeUnit.MILLISECONDS)
        .keepAliveTimeout(policy.deadAfter().toMillis() - heartbeat, TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true)
        .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
        .build();
  }

  /**
   * Connects to the binding's server, retrying with the policy's backoff.
   *
   * @throws TransportException naming the binding when every attempt failed
   */
  public static GrpcTensorClient connect(RemoteBinding binding, LinkPolicy policy) {
    GrpcTensorClient client = new GrpcTensorClient(binding, policy);
    client.linkWithRetries();
    return client;
  }

  /** Takes the next tensor the server sent, first opening a new call if the last one failed. */
  @Override
  public Optional<TensorMessage> receive(Duration timeout) {
    FrameLink link = current;
    if (!isClosed() && (link == null || !link.isOpen()) && inbox.size() == 0) {
      try {
        link();
      } catch (LinkFailure e) {
        // Nothing to receive over a dead call; the inbox may still hold earlier tensors.
      }
    }
    return super.receive(timeout);
  }

  @Override
  protected synchronized FrameLink link() throws LinkFailure {
    FrameLink link = current;
    if (link != null && link.isOpen()) {
      return link;
    }
    if (isClosed()) {
      throw new LinkFailure("the client is closed");
    }
    ClientCall<Frame, Frame> call = channel.newCall(exchange, CallOptions.DEFAULT);
    ClientStream responses = new ClientStream(binding.host() + ":" + binding.port(), inbox);
    StreamObserver<Frame> requests = ClientCalls.asyncBidiStreamingCall(call, responses);
    StreamWriter writer = new StreamWriter(requests, () -> call.cancel("closing the link", null));
    responses.attach(writer);
    writer.write(Frame.hello(endpointId, new byte[0]));
    try {
      current = responses.handshake().get(policy.deadAfter().toMillis(), TimeUnit.MILLISECONDS);
      return current;
    } catch (ExecutionException e) {
      writer.close();
      throw new LinkFailure(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      writer.close();
      throw new LinkFailure("no answer to the handshake within " + policy.deadAfter());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      writer.close();
      throw new LinkFailure("interrupted during the handshake", e);
    }
  }

  @Override
  protected void shutdown() {
    FrameLink link = current;
    if (link != null) {
      link.close("the client is closing");
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ChannelCredentials credentials(RemoteBinding binding) {
    if (binding.tls() == null) {
      return InsecureChannelCredentials.create();
    }
    binding.tls().requireClientFiles(binding.describe());
    try {
      return TlsChannelCredentials.newBuilder()
          .trustManager(binding.tls().trustedCertificates().toFile())
          .build();
    } catch (IOException e) {
      throw new TransportException(binding.describe() + ": cannot load TLS trust material: "
          + e.getMessage(), e);
    }
  }
}
