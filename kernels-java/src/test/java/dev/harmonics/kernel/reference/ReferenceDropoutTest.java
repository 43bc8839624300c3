package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.DropoutConformance;
import dev.harmonics.kernel.random.Philox4x32;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The conformance suite run on the reference itself, plus the mask layout worked by hand. */
class ReferenceDropoutTest extends DropoutConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  @Test
  void elementsReadTheirWordOfTheirBlock() {
    long seed = 0x299f31d0_a4093822L;
    long offset = 0x03707344_13198a2eL;
    long index = 64L * 3 + 16 * 2 + 5;
    int[] words = Philox4x32.block(new int[] {16 * 3 + 5, 0, 0x13198a2e, 0x03707344},
        new int[] {0xa4093822, 0x299f31d0});
    assertEquals(words[2], DropoutKernels.randomBits(seed, offset, index));
    long far = (1L << 40) + 64 + 15 + 48;
    long block = 16 * (far >>> 6) + 15;
    int[] farWords = Philox4x32.block(new int[] {(int) block, (int) (block >>> 32), 0, 0},
        new int[] {0, 0});
    assertEquals(farWords[3], DropoutKernels.randomBits(0, 0, far));
  }

  @Test
  void thresholdAndScaleOfAFewProbabilities() {
    assertEquals(0L, DropoutKernels.dropThreshold(0f));
    assertEquals(1L << 31, DropoutKernels.dropThreshold(0.5f));
    assertEquals(1L << 32, DropoutKernels.dropThreshold(1f));
    assertEquals(2f, DropoutKernels.keepScale(0.5f));
    assertEquals(1f, DropoutKernels.keepScale(0f));
  }

  @Test
  void outputFollowsTheMaskByHand() {
    float[] values = new float[64];
    for (int i = 0; i < values.length; i++) {
      values[i] = i + 1;
    }
    try (Tensor x = Tensor.of(values, 64); Tensor y = Tensor.zeros(64);
        Tensor mask = Tensor.allocate(DType.INT8, 64)) {
      candidate().dropout().forward(x, 0.75f, 3, 1, y, mask);
      float[] expected = new float[64];
      byte[] expectedMask = new byte[64];
      long threshold = 3L << 30;
      for (int i = 0; i < 64; i++) {
        int[] words = Philox4x32.block(new int[] {i % 16, 0, 1, 0}, new int[] {3, 0});
        boolean kept = Integer.toUnsignedLong(words[i / 16]) >= threshold;
        expected[i] = kept ? values[i] * 4f : 0f;
        expectedMask[i] = (byte) (kept ? 1 : 0);
      }
      assertArrayEquals(expected, y.toFloatArray());
      assertArrayEquals(expectedMask, mask.toByteArray());
    }
  }
}
