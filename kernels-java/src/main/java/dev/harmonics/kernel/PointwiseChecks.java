package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Argument checks shared by the activation, elementwise and reduction kernels, with messages that
 * name the parameter, show what it got and say what was expected.
 */
final class PointwiseChecks {

  private PointwiseChecks() {}

  /** A non-null, contiguous float32 tensor whose memory is still alive. */
  static void requireFloat(String name, Tensor t) {
    Objects.requireNonNull(t, name);
    if (t.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: float32)");
    }
    if (!t.isContiguous()) {
      throw new IllegalArgumentException(name + ": " + t.describe()
          + " (expected: a contiguous tensor; call contiguous() first)");
    }
    t.storage();
  }

  /**
   * {@code t} has the broadcast shape of a and b. Operands of one shape, the common case, are
   * checked without computing (and allocating) the broadcast shape.
   */
  static void requireBroadcastShape(String name, Tensor t, Tensor a, Tensor b) {
    if (a.sameShape(b) ? t.sameShape(a) : t.hasShape(ElementwiseKernels.broadcastShape(a, b))) {
      return;
    }
    throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
        + Arrays.toString(ElementwiseKernels.broadcastShape(a, b)) + " = broadcast of a: "
        + a.describe() + " and b: " + b.describe() + ")");
  }

  /** Same shape as {@code ref}. */
  static void requireSameShape(String name, Tensor t, String refName, Tensor ref) {
    if (!t.sameShape(ref)) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + Arrays.toString(ref.shape()) + " to match " + refName + ": " + ref.describe() + ")");
    }
  }

  /**
   * {@code out} may be exactly the same elements as {@code in} (in-place) or share none of them; a
   * partial overlap would make the result depend on the order elements are visited.
   */
  static void requireSameOrDisjoint(String outName, Tensor out, String inName, Tensor in) {
    if (out.overlaps(in) && !out.sameElements(in)) {
      throw new IllegalArgumentException(outName + ": " + out.describe() + " partly overlaps "
          + inName + ": " + in.describe() + " (expected: the same tensor, or disjoint memory)");
    }
  }

  /** {@code out} must not share any memory with {@code in}. */
  static void requireDisjoint(String outName, Tensor out, String inName, Tensor in) {
    if (out.overlaps(in)) {
      throw new IllegalArgumentException(outName + ": " + out.describe() + " overlaps " + inName
          + ": " + in.describe() + " (expected: disjoint memory)");
    }
  }
}
