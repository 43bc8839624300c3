package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Argument checks every kernel family needs: a tensor of the right dtype laid out densely, and
 * shapes that match, with messages that name the parameter, what it got and what was expected.
 */
final class TensorChecks {

  private TensorChecks() {}

  /** A non-null, contiguous float32 tensor. */
  static void requireFloat(String name, Tensor t) {
    requireTensor(name, t, DType.FLOAT32);
  }

  /** A non-null, contiguous tensor of {@code dtype}. */
  static void requireTensor(String name, Tensor t, DType dtype) {
    if (t == null) {
      throw new IllegalArgumentException(
          name + ": null (expected: a " + dtype.name().toLowerCase(Locale.ROOT) + " tensor)");
    }
    if (t.dtype() != dtype) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + dtype.name().toLowerCase(Locale.ROOT) + ")");
    }
    if (!t.isContiguous()) {
      throw new IllegalArgumentException(
          name + ": " + t.describe() + " (expected: a contiguous tensor; call contiguous() first)");
    }
  }

  /** The shape of {@code other}. */
  static void requireSameShape(String name, Tensor t, String otherName, Tensor other) {
    if (!t.sameShape(other)) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + Arrays.toString(other.shape()) + " to match " + otherName + ": " + other.describe()
          + ")");
    }
  }
}
