package dev.harmonics.transport;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a partition boundary meets the network: the peer's address and how to talk to it.
 *
 * @param name the boundary's name, used in every error about this link
 * @param host a host name or address, resolved by the system resolver when the link connects
 * @param port the TCP port; 0 lets a listening side pick a free port (a connecting side needs one)
 * @param transport TCP or gRPC
 * @param compress whether this side compresses the tensors it sends with zstd
 * @param maxMessageSize the largest tensor payload in bytes, on the wire and after decompression;
 *     enforced by both sides before any allocation
 * @param tls the TLS material, or null for plain text
 * @param token a shared secret both sides must know, or null for none
 */
public record RemoteBinding(String name, String host, int port, Transport transport,
    boolean compress, int maxMessageSize, TlsConfig tls, String token) {

  /** Default payload limit: 64 MiB holds a 16-million-element float32 tensor. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 << 20;

  /** Upper bound of {@code maxMessageSize}: a frame must fit one Netty buffer, with room. */
  public static final int LARGEST_MAX_MESSAGE_SIZE = 1 << 30;

  public RemoteBinding {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("binding name is blank (expected: a boundary name)");
    }
    Objects.requireNonNull(host, "host of binding '" + name + "'");
    if (host.isBlank()) {
      throw new IllegalArgumentException("binding '" + name + "': host is blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "binding '" + name + "': port " + port + " (expected: 0 to 65535)");
    }
    Objects.requireNonNull(transport, "transport of binding '" + name + "'");
    if (maxMessageSize < 1 || maxMessageSize > LARGEST_MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException("binding '" + name + "': maxMessageSize "
          + maxMessageSize + " (expected: 1 to " + LARGEST_MAX_MESSAGE_SIZE + ")");
    }
    if (token != null && token.isEmpty()) {
      throw new IllegalArgumentException(
          "binding '" + name + "': token is empty (expected: null for none, or a secret)");
    }
  }

  /** A plain-text, uncompressed binding with the default size limit. */
  public static RemoteBinding of(String name, String host, int port, Transport transport) {
    return new RemoteBinding(
        name, host, port, transport, false, DEFAULT_MAX_MESSAGE_SIZE, null, null);
  }

  public RemoteBinding withPort(int newPort) {
    return new RemoteBinding(name, host, newPort, transport, compress, maxMessageSize, tls, token);
  }

  public RemoteBinding withCompress(boolean on) {
    return new RemoteBinding(name, host, port, transport, on, maxMessageSize, tls, token);
  }

  public RemoteBinding withMaxMessageSize(int bytes) {
    return new RemoteBinding(name, host, port, transport, compress, bytes, tls, token);
  }

  public RemoteBinding withTls(TlsConfig config) {
    return new RemoteBinding(name, host, port, transport, compress, maxMessageSize, config, token);
  }

  public RemoteBinding withToken(String secret) {
    return new RemoteBinding(name, host, port, transport, compress, maxMessageSize, tls, secret);
  }

  /** The peer's address, resolved now by the system resolver. */
  public InetSocketAddress resolve() {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new TransportException(describe() + ": host '" + host + "' does not resolve");
    }
    return address;
  }

  /** {@code binding 'name' (tcp 10.0.0.2:7070)}: how errors name this link. */
  public String describe() {
    return "binding '" + name + "' (" + transport.name().toLowerCase(Locale.ROOT) + " " + host
        + ":" + port + (tls != null ? ", tls" : "") + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
