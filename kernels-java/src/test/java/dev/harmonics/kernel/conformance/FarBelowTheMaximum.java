package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.TensorAssertions;
import java.util.Random;

/**
 * The CPU backends' promise that softmax gives exactly 0 to entries 64 or more below their row's
 * maximum, and no subnormal probability (a subnormal costs an x86 core a microcode assist per
 * vector, which made masked rows run ten times slower; the reference keeps the exact tiny values,
 * so this is not part of the shared conformance suite). Every row has its maximum, 10, first, and
 * every other entry at 70, 90, 100 or 120 below it, at -1e30 or at -inf, as masks put them.
 */
public final class FarBelowTheMaximum {

  private static final float[] BELOW = {-70f, -90f, -100f, -120f, -1e30f, Float.NEGATIVE_INFINITY};

  private FarBelowTheMaximum() {}

  /** Softmax of such rows through {@code kernels}, checked; {@code what} names the call. */
  public static void check(SoftmaxKernels kernels, int rows, int width, String what) {
    float[] values = new float[rows * width];
    Random random = new Random(rows * 31L + width);
    int placed = 0;
    for (int r = 0; r < rows; r++) {
      values[r * width] = 10f;
      for (int c = 1; c < width; c++) {
        values[r * width + c] = (r + c) % 2 == 1
            ? 10f + BELOW[placed++ % BELOW.length]
            : random.nextFloat() * 20f - 10f;
      }
    }
    try (Tensor x = Tensor.of(values, rows, width); Tensor y = Tensor.zeros(rows, width)) {
      kernels.softmax(x, -1, y);
      float[] p = y.toFloatArray();
      for (int i = 0; i < p.length; i++) {
        float below = values[i] - 10f;
        if (below <= -64f) {
          assertEquals(0f, p[i], what + ": element " + i + " (x - max = " + below + ")");
        }
      }
      TensorAssertions.assertNoSubnormal(what + ": softmax", values, p);
    }
  }
}
