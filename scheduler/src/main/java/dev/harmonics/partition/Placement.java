package dev.harmonics.partition;

import dev.harmonics.kernel.Backend;
import java.util.Objects;

/**
 * Where one partition runs and how much of the graph it should take.
 *
 * @param backend the kernel backend; an explicit one is used exactly as named, never swapped for
 *     another ({@link Backend#AUTO} takes the best one available where the partition runs)
 * @param device the device index on that backend (0 for the CPU backends, which have one)
 * @param weight a factor on the backend's share of layers (1 for the backend's default share)
 */
public record Placement(Backend backend, int device, double weight) {

  public Placement {
    Objects.requireNonNull(backend, "backend");
    if (device < 0) {
      throw new IllegalArgumentException("device: " + device + " (expected: >= 0)");
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: a finite number > 0)");
    }
  }

  /** Device 0 of {@code backend} with weight 1. */
  public static Placement on(Backend backend) {
    return new Placement(backend, 0, 1.0);
  }

  /**
   * The share of layers this placement asks for: the backend class's default (GPU 4, FPGA 2,
   * CPU 1; {@link Backend#AUTO} counts as its resolved backend) times {@link #weight}.
   */
  public double share(Backend resolvedAuto) {
    Backend b = backend == Backend.AUTO ? resolvedAuto : backend;
    int base = switch (b) {
      case CUDA, OPENCL -> 4;
      case FPGA -> 2;
      case NATIVE_CPU, SIMD, REFERENCE, AUTO -> 1;
    };
    return base * weight;
  }
}
