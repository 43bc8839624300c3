package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.kernel.conformance.ReductionConformance;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The reference through the conformance suite (gradients, validation), plus worked examples. */
class ReferenceReductionTest extends ReductionConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  private static ReductionKernels kernels() {
    return KernelProviders.of(Backend.REFERENCE).reductions();
  }

  @Test
  void sumsMeansAndMaximaByHand() {
    // [[1, 2, 3], [4, 5, 6]]
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor rows = Tensor.wrap(new float[2], 2, 1);
    kernels().sum(x, rows, 1);
    assertArrayEquals(new float[] {6, 15}, rows.toFloatArray());
    Tensor columns = Tensor.wrap(new float[3], 3);
    kernels().mean(x, columns, 0);
    assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, columns.toFloatArray());
    Tensor all = Tensor.wrap(new float[1]);
    kernels().max(x, all, 0, 1);
    assertArrayEquals(new float[] {6}, all.toFloatArray());
    kernels().sum(x, all, -1, -2);
    assertArrayEquals(new float[] {21}, all.toFloatArray());
  }

  @Test
  void backwardBroadcastsTheGradient() {
    Tensor dy = Tensor.wrap(new float[] {1, 2}, 2);
    Tensor dx = Tensor.wrap(new float[6], 2, 3);
    kernels().sumBackward(dy, dx, 1);
    assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, dx.toFloatArray());
    kernels().meanBackward(dy, dx, 1);
    assertArrayEquals(new float[] {1 / 3f, 1 / 3f, 1 / 3f, 2 / 3f, 2 / 3f, 2 / 3f},
        dx.toFloatArray());
  }

  @Test
  void reducedShapeKeepsOrDropsAxes() {
    int[] shape = {2, 3, 4};
    assertArrayEquals(new int[] {2, 1, 4}, ReductionKernels.reducedShape(shape, true, 1));
    assertArrayEquals(new int[] {2, 4}, ReductionKernels.reducedShape(shape, false, -2));
    assertArrayEquals(new int[0], ReductionKernels.reducedShape(new int[] {2, 3}, false, 0, 1));
  }
}
