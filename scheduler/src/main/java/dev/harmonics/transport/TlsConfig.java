package dev.harmonics.transport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PEM files for TLS. A listening side presents {@code certificateChain} with {@code privateKey}
 * (PKCS#8); a connecting side trusts the certificates in {@code trustedCertificates} and checks the
 * peer's host name against them. One record serves both sides so a test or a deployment can hand
 * the same value to each; a side ignores the files it does not use.
 *
 * @param certificateChain the listening side's certificate chain, or null on a client-only config
 * @param privateKey the listening side's private key, or null on a client-only config
 * @param trustedCertificates the certificates a connecting side trusts, or null on a server-only
 *     config
 */
public record TlsConfig(Path certificateChain, Path privateKey, Path trustedCertificates) {

  /** The server's files, checked to exist. */
  public void requireServerFiles(String who) {
    require(certificateChain, "certificateChain", who);
    require(privateKey, "privateKey", who);
  }

  /** The client's files, checked to exist. */
  public void requireClientFiles(String who) {
    require(trustedCertificates, "trustedCertificates", who);
  }

  private static void require(Path file, String what, String who) {
    if (file == null) {
      throw new IllegalArgumentException(who + ": TLS " + what + " is not set");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          who + ": TLS " + what + " " + file + " is not a readable file");
    }
  }
}
