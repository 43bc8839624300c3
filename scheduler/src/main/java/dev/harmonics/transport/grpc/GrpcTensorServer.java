package dev.harmonics.transport.grpc;

import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.ListeningChannel;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.link.FrameLink;
import dev.harmonics.transport.link.LinkFailure;
import dev.harmonics.transport.link.NetworkChannel;
import dev.harmonics.transport.link.PeerLinks;
import dev.harmonics.transport.link.TensorInbox;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The listening end of a gRPC binding: the same behaviour as the TCP server (one inbox for every
 * caller, sends to the newest live caller), with gRPC's own keep-alive pings for dead peers.
 */
public final class GrpcTensorServer extends NetworkChannel implements ListeningChannel {

  /** Received tensors held before senders are held back. */
  public static final int INBOX_CAPACITY = 64;

  private final PeerLinks links = new PeerLinks();
  private final Server server;

  private GrpcTensorServer(RemoteBinding binding, LinkPolicy policy) {
    super(binding, policy, INBOX_CAPACITY);
    FrameMarshaller marshaller =
        new FrameMarshaller(binding.compress(), binding.maxMessageSize(), true);
    ServerServiceDefinition service = ServerServiceDefinition.builder(TensorLinkService.SERVICE)
        .addMethod(TensorLinkService.exchange(marshaller), ServerCalls.asyncBidiStreamingCall(
            responses -> new ServerStream(this, responses, TensorLinkService.PEER.get())))
        .build();
    long heartbeat = policy.heartbeat().toMillis();
    server = NettyServerBuilder.forAddress(binding.resolve(), credentials(binding))
        .maxInboundMessageSize(TensorLinkService.maxInbound(binding.maxMessageSize()))
        .initialFlowControlWindow(TensorLinkService.FLOW_CONTROL_WINDOW)
        .keepAliveTime(heartbeat, TimeUnit.MILLISECONDS)
        .keepAliveTimeout(policy.deadAfter().toMillis() - heartbeat, TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(heartbeat, TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(ServerInterceptors.intercept(service,
            new TokenCheck(binding.token(), this::refuse)))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new TransportException(binding.describe() + ": cannot listen: " + e.getMessage(), e);
    }
    boundTo(server.getPort());
  }

  /** Starts listening on the binding's host and port (port 0: any free port, see {@link #port}). */
  public static GrpcTensorServer listen(RemoteBinding binding, LinkPolicy policy) {
    return new GrpcTensorServer(binding, policy);
  }

  @Override
  public int port() {
    return server.getPort();
  }

  @Override
  protected FrameLink link() throws LinkFailure {
    return links.newest(policy.maxBackoff());
  }

  @Override
  protected void shutdown() {
    links.closeAll("the server is closing");
    server.shutdownNow();
    try {
      server.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Widened to this package: the service reports refusals through it. */
  @Override
  protected void refuse(String peer, String reason) {
    super.refuse(peer, reason);
  }

  TensorInbox inbox() {
    return inbox;
  }

  long endpointId() {
    return endpointId;
  }

  void register(FrameLink link) {
    links.register(link);
  }

  void forget(FrameLink link) {
    links.forget(link);
  }

  private static ServerCredentials credentials(RemoteBinding binding) {
    if (binding.tls() == null) {
      return InsecureServerCredentials.create();
    }
    binding.tls().requireServerFiles(binding.describe());
    try {
      return TlsServerCredentials.create(binding.tls().certificateChain().toFile(),
          binding.tls().privateKey().toFile());
    } catch (IOException e) {
      throw new TransportException(binding.describe() + ": cannot load TLS key material: "
          + e.getMessage(), e);
    }
  }
}
