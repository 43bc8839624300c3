package dev.harmonics.transport;

/** How a {@link RemoteBinding} reaches its peer. */
public enum Transport {
  /** Netty over plain TCP with Harmonics' own frame. */
  TCP,
  /** gRPC (HTTP/2) with the same frame as the message body. */
  GRPC
}
