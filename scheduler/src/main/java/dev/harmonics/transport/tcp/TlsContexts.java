package dev.harmonics.transport.tcp;

import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TransportException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/** Netty TLS contexts from a binding's {@link dev.harmonics.transport.TlsConfig}. */
final class TlsContexts {

  private TlsContexts() {}

  static SslContext server(RemoteBinding binding) {
    if (binding.tls() == null) {
      return null;
    }
    binding.tls().requireServerFiles(binding.describe());
    try {
      return SslContextBuilder.forServer(binding.tls().certificateChain().toFile(),
          binding.tls().privateKey().toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TransportException(binding.describe() + ": cannot load TLS key material: "
          + e.getMessage(), e);
    }
  }

  /** A client context that checks the server's certificate and host name. */
  static SslContext client(RemoteBinding binding) {
    if (binding.tls() == null) {
      return null;
    }
    binding.tls().requireClientFiles(binding.describe());
    try {
      return SslContextBuilder.forClient()
          .trustManager(binding.tls().trustedCertificates().toFile())
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TransportException(binding.describe() + ": cannot load TLS trust material: "
          + e.getMessage(), e);
    }
  }
}
