package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/** Argument checks shared by the norm, softmax and loss kernels, which take contiguous tensors. */
final class ContiguousChecks {

  private ContiguousChecks() {}

  /** A non-null, contiguous float32 tensor. */
  static void checkTensor(String name, Tensor t) {
    checkTensor(name, t, DType.FLOAT32);
  }

  /** A non-null, contiguous tensor of {@code dtype}. */
  static void checkTensor(String name, Tensor t, DType dtype) {
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
          name + ": " + t.describe() + " (expected: contiguous; call contiguous() first)");
    }
  }

  /** The shape of {@code other}. */
  static void checkSameShape(String name, Tensor t, String otherName, Tensor other) {
    if (!Arrays.equals(t.shape(), other.shape())) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + Arrays.toString(other.shape()) + " to match " + otherName + ": " + other.describe()
          + ")");
    }
  }
}
