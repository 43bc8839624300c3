package dev.harmonics.transport;

/** A link failed: its message names the binding (name, host, port) and what went wrong. */
public class TransportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TransportException(String message) {
    super(message);
  }

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
