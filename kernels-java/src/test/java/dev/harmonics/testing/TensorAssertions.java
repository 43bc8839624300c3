package dev.harmonics.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.harmonics.tensor.Tensor;

/** Element-wise comparison within {@code abs + rel * |expected|}; NaN must match NaN. */
public final class TensorAssertions {

  private TensorAssertions() {}

  /**
   * Fails at the first element of {@code outputs} that is subnormal (nonzero and under
   * Float.MIN_NORMAL in magnitude), naming it as {@code what(input)}: the kernels that promise
   * none, because a subnormal costs an x86 core a microcode assist per vector.
   */
  public static void assertNoSubnormal(String what, float[] inputs, float[] outputs) {
    for (int i = 0; i < outputs.length; i++) {
      float y = outputs[i];
      if (y != 0f && Math.abs(y) < Float.MIN_NORMAL) {
        fail(what + "(" + inputs[i] + ") is subnormal: " + y + " (element " + i + ")");
      }
    }
  }

  public static void assertClose(Tensor expected, Tensor actual, double abs, double rel,
      String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    assertClose(expected.toFloatArray(), actual.toFloatArray(), abs, rel, what);
  }

  public static void assertClose(float[] expected, float[] actual, double abs, double rel,
      String what) {
    if (expected.length != actual.length) {
      fail(what + ": length " + actual.length + " (expected " + expected.length + ")");
    }
    for (int i = 0; i < expected.length; i++) {
      float e = expected[i];
      float a = actual[i];
      if (Float.isNaN(e) || Float.isNaN(a)) {
        if (Float.isNaN(e) != Float.isNaN(a)) {
          fail(what + ": element " + i + " is " + a + " (expected " + e + ")");
        }
        continue;
      }
      if (Float.isInfinite(e) || Float.isInfinite(a)) {
        if (e != a) {
          fail(what + ": element " + i + " is " + a + " (expected " + e + ")");
        }
        continue;
      }
      double tolerance = abs + rel * Math.abs(e);
      if (Math.abs(e - a) > tolerance) {
        fail(what + ": element " + i + " of " + expected.length + " is " + a + " (expected " + e
            + ", tolerance " + tolerance + ")");
      }
    }
  }
}
