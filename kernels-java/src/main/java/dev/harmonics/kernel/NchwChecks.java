package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;

/** Argument checks shared by the convolution and pooling families, with uniform messages. */
final class NchwChecks {

  private NchwChecks() {}

  /**
   * A contiguous tensor of {@code dtype} and rank {@code rank} whose dimensions are all at least 1,
   * except the batch dimension (the first) when {@code batched}, which may be 0.
   */
  static void require(String name, Tensor t, DType dtype, int rank, String layout,
      boolean batched) {
    if (t == null) {
      throw new IllegalArgumentException(name + ": null (expected: " + article(dtype) + " "
          + layout + " tensor)");
    }
    if (t.dtype() != dtype || t.rank() != rank) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + article(dtype) + " " + layout + " tensor)");
    }
    for (int d = batched ? 1 : 0; d < rank; d++) {
      if (t.dim(d) < 1) {
        throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: " + layout
            + " with every dimension" + (batched ? " but the first" : "") + " >= 1)");
      }
    }
    if (!t.isContiguous()) {
      throw new IllegalArgumentException(name + ": " + t.describe()
          + " (expected: a contiguous tensor; call contiguous() first)");
    }
  }

  /** A float32 {@code [N, C, H, W]} tensor. */
  static void requireNchw(String name, Tensor t) {
    require(name, t, DType.FLOAT32, 4, "[N, C, H, W]", true);
  }

  /** {@code t} has exactly the shape {@code expected}; {@code because} says why. */
  static void requireShape(String name, Tensor t, int[] expected, String because) {
    if (!t.hasShape(expected)) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + Arrays.toString(expected) + " " + because + ")");
    }
  }

  /** Null, or a float32 vector of {@code length} elements. */
  static void requireOptionalVector(String name, Tensor t, int length, String because) {
    if (t == null) {
      return;
    }
    require(name, t, DType.FLOAT32, 1, "[" + length + "]", false);
    requireShape(name, t, new int[] {length}, because);
  }

  /** "a float32" or "an int32". */
  private static String article(DType dtype) {
    String name = dtype.name().toLowerCase(java.util.Locale.ROOT);
    return (name.startsWith("i") ? "an " : "a ") + name;
  }
}
