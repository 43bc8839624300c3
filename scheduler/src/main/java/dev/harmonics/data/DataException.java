package dev.harmonics.data;

/** Data could not be produced: a malformed record, an unreadable file, a failed background read. */
public class DataException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
