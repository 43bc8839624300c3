package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.kernel.conformance.LayoutConformance;
import dev.harmonics.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conformance suite run on the reference itself, plus small hand-computed examples. */
class ReferenceLayoutTest extends LayoutConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  private LayoutKernels layout() {
    return candidate().layout();
  }

  @Test
  void transposeOfATwoByThree() {
    try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = Tensor.zeros(3, 2)) {
      layout().copy(x.transpose(0, 1), y);
      assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, y.toFloatArray());
    }
  }

  @Test
  void padModesOnAVector() {
    try (Tensor x = Tensor.of(new float[] {1, 2, 3}, 3); Tensor y = Tensor.zeros(7);
        Tensor c = Tensor.zeros(4)) {
      layout().pad(x, new int[] {2}, new int[] {2}, PadMode.REFLECT, 0, y);
      assertArrayEquals(new float[] {3, 2, 1, 2, 3, 2, 1}, y.toFloatArray());
      layout().pad(x, new int[] {2}, new int[] {2}, PadMode.EDGE, 0, y);
      assertArrayEquals(new float[] {1, 1, 1, 2, 3, 3, 3}, y.toFloatArray());
      layout().pad(x, new int[] {1}, new int[] {0}, PadMode.CONSTANT, 9, c);
      assertArrayEquals(new float[] {9, 1, 2, 3}, c.toFloatArray());
    }
  }

  @Test
  void padOfAMatrixOnBothDims() {
    try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2); Tensor y = Tensor.zeros(3, 4)) {
      layout().pad(x, new int[] {1, 0}, new int[] {0, 2}, PadMode.EDGE, 0, y);
      assertArrayEquals(new float[] {1, 2, 2, 2, 1, 2, 2, 2, 3, 4, 4, 4}, y.toFloatArray());
    }
  }

  @Test
  void padBackwardCountsEveryReader() {
    try (Tensor dy = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1}, 7);
        Tensor dx = Tensor.zeros(3)) {
      layout().padBackward(dy, new int[] {2}, new int[] {2}, PadMode.REFLECT, dx);
      assertArrayEquals(new float[] {2, 3, 2}, dx.toFloatArray());
      layout().padBackward(dy, new int[] {2}, new int[] {2}, PadMode.EDGE, dx);
      assertArrayEquals(new float[] {3, 1, 3}, dx.toFloatArray());
      layout().padBackward(dy, new int[] {2}, new int[] {2}, PadMode.CONSTANT, dx);
      assertArrayEquals(new float[] {1, 1, 1}, dx.toFloatArray());
    }
  }

  @Test
  void concatAndSplitOfTwoMatrices() {
    try (Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6}, 2, 1); Tensor y = Tensor.zeros(2, 3);
        Tensor a2 = Tensor.zeros(2, 2); Tensor b2 = Tensor.zeros(2, 1)) {
      layout().concat(List.of(a, b), 1, y);
      assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, y.toFloatArray());
      layout().split(y, -1, List.of(a2, b2));
      assertArrayEquals(a.toFloatArray(), a2.toFloatArray());
      assertArrayEquals(b.toFloatArray(), b2.toFloatArray());
    }
  }
}
