package dev.harmonics.transport.frame;

/** Bytes that are not a valid frame; the message says which field was wrong and how. */
public final class FrameException extends Exception {

  private static final long serialVersionUID = 1L;

  public FrameException(String message) {
    super(message);
  }
}
