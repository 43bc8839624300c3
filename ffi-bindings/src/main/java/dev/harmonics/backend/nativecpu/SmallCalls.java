package dev.harmonics.backend.nativecpu;

/**
 * Which calls are too small to pay for a downcall: below a kernel's threshold (in elements) a
 * kernel that has a C version runs on the Java backend instead, with the result the Java backend
 * gives (the native backend's documented tolerances cover both).
 *
 * <p>Why: a downcall with its segment slices and the chunking lambda cost 50 to 470 ns on a
 * 64-element input (relu 54, add 87, softmax 150, layer norm 327, Adam 472 ns, 80 to 360 bytes
 * allocated per call), where the SIMD kernel takes 20 to 105 ns and allocates nothing. The
 * thresholds are the crossovers measured on the development machine (AVX-512, JDK 25, one
 * thread, {@code NativeCrossoverCpuTime} in the jmh module); docs/performance.md ("Small calls")
 * has the figures. Adam's C loop took 4.6 to 5.1 times the SIMD kernel's time at every size from
 * 64 to 64k elements (also when compiled to vector square roots and divisions, so that is not the
 * cause), so Adam stays in Java at every size. {@value #PROPERTY} sets one threshold for every kernel on another machine
 * ({@code 0} sends every call to C).
 */
final class SmallCalls {

  /** System property setting one threshold, in elements, for every kernel. */
  static final String PROPERTY = "harmonics.native.javaBelow";

  /** The kernels with a C version, each with its measured crossover. */
  enum Kernel {
    /** relu, leaky relu and PReLU with one slope, forward and backward. */
    RELU(4096),
    /** Sigmoid, tanh and GELU-tanh forward. */
    SMOOTH_ACTIVATION(128),
    /** Same-shape add. */
    ADD(16384),
    /** Softmax and log-softmax over the last axis. */
    SOFTMAX(128),
    /** Layer norm forward. */
    LAYER_NORM(1024),
    /** SGD, with or without momentum. */
    SGD(256),
    /** Adam, AdamW and AMSGrad: faster in Java at every size measured. */
    ADAM(Long.MAX_VALUE);

    final long measuredJavaBelow;

    Kernel(long measuredJavaBelow) {
      this.measuredJavaBelow = measuredJavaBelow;
    }
  }

  /** The threshold of every kernel when {@link #PROPERTY} sets one, else -1. */
  private final long javaBelow;

  /**
   * @param javaBelow one threshold for every kernel, or -1 for each kernel's measured one
   */
  SmallCalls(long javaBelow) {
    if (javaBelow < -1) {
      throw new IllegalArgumentException(
          PROPERTY + ": " + javaBelow + " (expected: a number of elements >= 0)");
    }
    this.javaBelow = javaBelow;
  }

  /** One threshold from {@value #PROPERTY}, else each kernel's measured one. */
  static SmallCalls fromSystemProperty() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      return new SmallCalls(-1);
    }
    long parsed;
    try {
      parsed = Long.parseLong(configured.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PROPERTY + ": '" + configured + "' (expected: a number of elements >= 0)", e);
    }
    if (parsed < 0) {
      throw new IllegalArgumentException(
          PROPERTY + ": " + parsed + " (expected: a number of elements >= 0)");
    }
    return new SmallCalls(parsed);
  }

  /** Calls of {@code kernel} on fewer elements than this run in Java. */
  long javaBelow(Kernel kernel) {
    return javaBelow >= 0 ? javaBelow : kernel.measuredJavaBelow;
  }

  /** Whether a call of {@code kernel} on {@code elements} elements per tensor runs in Java. */
  boolean inJava(Kernel kernel, long elements) {
    return elements < javaBelow(kernel);
  }

  /** For {@link NativeCpuProvider#description()}. */
  String describe() {
    return javaBelow >= 0 ? "below " + javaBelow + " elements in Java"
        : "below the measured sizes in Java, adam always";
  }
}
