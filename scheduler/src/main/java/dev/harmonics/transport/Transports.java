package dev.harmonics.transport;

import dev.harmonics.transport.grpc.GrpcTensorClient;
import dev.harmonics.transport.grpc.GrpcTensorServer;
import dev.harmonics.transport.tcp.TcpTensorClient;
import dev.harmonics.transport.tcp.TcpTensorServer;

/** Opens either end of a {@link RemoteBinding} with the transport it names. */
public final class Transports {

  private Transports() {}

  /** Listens on the binding's host and port. */
  public static ListeningChannel listen(RemoteBinding binding, LinkPolicy policy) {
    return switch (binding.transport()) {
      case TCP -> TcpTensorServer.listen(binding, policy);
      case GRPC -> GrpcTensorServer.listen(binding, policy);
    };
  }

  /**
   * Connects to the binding's listener, retrying with the policy's backoff.
   *
   * @throws TransportException naming the binding when every attempt failed
   */
  public static TensorChannel connect(RemoteBinding binding, LinkPolicy policy) {
    return switch (binding.transport()) {
      case TCP -> TcpTensorClient.connect(binding, policy);
      case GRPC -> GrpcTensorClient.connect(binding, policy);
    };
  }
}
