package dev.harmonics.data;

import java.io.IOException;

/**
 * A data file is not what its format says it must be: wrong magic, truncated, corrupt compressed
 * stream, a bad record. The message names the file and the place.
 */
public class MalformedDataException extends IOException {

  private static final long serialVersionUID = 1L;

  public MalformedDataException(String message) {
    super(message);
  }

  public MalformedDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
