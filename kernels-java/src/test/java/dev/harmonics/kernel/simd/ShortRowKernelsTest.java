package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The register-resident short-row paths give the same bits as the multi-pass row loops they
 * replace, at every length up to four vectors (1, 63, 64 and 65 included where the vector width
 * allows), with special values in every position. The conformance suites compare both against
 * the reference; this pins the claim of equal bits that their documentation makes.
 */
class ShortRowKernelsTest {

  private static final int MAX = SoftmaxShortRow.MAX_LENGTH;

  @Test
  void softmaxShortRowHasTheThreePassBits() {
    RandomTensors random = new RandomTensors(11);
    for (int n = 1; n <= MAX; n++) {
      for (int trial = 0; trial < 3; trial++) {
        float[] values = random.uniformArray(n, trial == 0 ? -3f : -60f, trial == 0 ? 3f : 60f);
        compareSoftmax(values, "random row of " + n + ", trial " + trial);
      }
    }
  }

  @Test
  void softmaxShortRowHasTheThreePassBitsWithSpecialValues() {
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};
    for (int n : new int[] {1, 2, MAX / 4 - 1, MAX / 4, MAX / 4 + 1, MAX - 1, MAX}) {
      for (float special : specials) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          float[] values = new float[n];
          for (int i = 0; i < n; i++) {
            values[i] = (i % 5) - 2f;
          }
          values[at] = special;
          compareSoftmax(values, special + " at " + at + " of " + n);
        }
        float[] all = new float[n];
        Arrays.fill(all, special);
        compareSoftmax(all, "all " + special + ", " + n);
      }
    }
  }

  /** Runs both paths on a copy of {@code values} placed at a byte offset and compares bits. */
  private static void compareSoftmax(float[] values, String what) {
    int n = values.length;
    float[] padded = new float[n + 3];
    System.arraycopy(values, 0, padded, 3, n);
    try (Tensor x = Tensor.of(padded, n + 3); Tensor a = Tensor.zeros(n);
        Tensor b = Tensor.zeros(n)) {
      long xo = x.byteOffset() + 12;
      SoftmaxShortRow.softmax(x.storage(), xo, a.storage(), a.byteOffset(), n);
      float sum = SoftmaxRows.expStore(x.storage(), xo, b.storage(), b.byteOffset(), n,
          SoftmaxRows.max(x.storage(), xo, n));
      SoftmaxRows.scale(b.storage(), b.byteOffset(), n, 1f / sum);
      float[] expected = b.toFloatArray();
      float[] actual = a.toFloatArray();
      for (int i = 0; i < n; i++) {
        assertTrue(Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i])
            || Float.isNaN(expected[i]) && Float.isNaN(actual[i]),
            what + ": element " + i + " is " + actual[i] + " (expected " + expected[i] + ")");
      }
    }
  }
}
