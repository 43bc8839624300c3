package dev.harmonics.schedule;

/** A pipeline step failed: the message names the partition and boundary and what went wrong. */
public class SchedulerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SchedulerException(String message) {
    super(message);
  }

  public SchedulerException(String message, Throwable cause) {
    super(message, cause);
  }
}
