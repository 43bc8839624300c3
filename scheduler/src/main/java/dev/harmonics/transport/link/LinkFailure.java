package dev.harmonics.transport.link;

/**
 * One attempt on a link failed (refused connection, dropped connection, missing acknowledgement).
 * Checked on purpose: {@link NetworkChannel} catches it to retry, and only after the last attempt
 * turns it into a {@link dev.harmonics.transport.TransportException} that names the binding.
 */
public final class LinkFailure extends Exception {

  private static final long serialVersionUID = 1L;

  public LinkFailure(String message) {
    super(message);
  }

  public LinkFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
