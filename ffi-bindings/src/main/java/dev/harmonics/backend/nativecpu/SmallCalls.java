package dev.harmonics.backend.nativecpu;

/**
 * Which calls are too small to pay for a downcall: below {@link #javaBelow()} elements a kernel
 * that has a C version runs on the Java backend instead, with the same result the Java backend
 * gives (the native backend's documented tolerances cover both).
 *
 * <p>Why: a downcall with its segment slices and the chunking lambda cost 50 to 470 ns on a
 * 64-element input (relu 54, add 87, softmax 150, layer norm 327, Adam 472 ns, 80 to 360 bytes
 * allocated per call), where the SIMD kernel takes 20 to 105 ns and allocates nothing. The
 * crossover was measured per kernel; see docs/performance.md ("Small calls") for the figures and
 * {@value #PROPERTY} to set it on another machine ({@code 0} sends every call to C).
 */
final class SmallCalls {

  /** System property overriding {@link #DEFAULT_JAVA_BELOW}, in elements. */
  static final String PROPERTY = "harmonics.native.javaBelow";

  /** Measured on the development machine (AVX-512, JDK 25); see the class comment. */
  static final long DEFAULT_JAVA_BELOW = 4096;

  private final long javaBelow;

  SmallCalls(long javaBelow) {
    if (javaBelow < 0) {
      throw new IllegalArgumentException(
          PROPERTY + ": " + javaBelow + " (expected: a number of elements >= 0)");
    }
    this.javaBelow = javaBelow;
  }

  /** From {@value #PROPERTY}, else {@link #DEFAULT_JAVA_BELOW}. */
  static SmallCalls fromSystemProperty() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      return new SmallCalls(DEFAULT_JAVA_BELOW);
    }
    try {
      return new SmallCalls(Long.parseLong(configured.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PROPERTY + ": '" + configured + "' (expected: a number of elements >= 0)", e);
    }
  }

  /** Calls on fewer elements than this run in Java. */
  long javaBelow() {
    return javaBelow;
  }

  /** Whether a call touching {@code elements} elements per tensor runs in Java. */
  boolean inJava(long elements) {
    return elements < javaBelow;
  }
}
