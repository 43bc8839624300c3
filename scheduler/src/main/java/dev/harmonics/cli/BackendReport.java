package dev.harmonics.cli;

import dev.harmonics.kernel.Availability;
import java.util.function.Supplier;

/**
 * One line of {@code harmonics info}: a kernel backend or native library and whether it can run in
 * this JVM, with the reason.
 */
public record BackendReport(String name, Availability availability) {

  /**
   * Runs {@code check} and reports its answer. A check that throws (a missing native library shows
   * up as an {@link UnsatisfiedLinkError}, a missing class as a {@link NoClassDefFoundError}) is
   * reported as unavailable with the error, so one broken binding never hides the others.
   */
  public static BackendReport probe(String name, Supplier<Availability> check) {
    Availability availability;
    try {
      availability = check.get();
    } catch (RuntimeException | LinkageError e) {
      availability = Availability.no("probe failed: " + e);
    }
    return new BackendReport(name, availability);
  }
}
