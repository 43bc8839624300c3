package dev.harmonics.kernel;

/** Whether a backend can run here, and if not, why, in words a user can act on. */
public record Availability(boolean available, String reason) {

  public static Availability yes(String detail) {
    return new Availability(true, detail);
  }

  public static Availability no(String reason) {
    return new Availability(false, reason);
  }
}
