package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.ElementwiseConformance;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The reference through the conformance suite (gradients, validation), plus worked examples. */
class ReferenceElementwiseTest extends ElementwiseConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  private static ElementwiseKernels kernels() {
    return KernelProviders.of(Backend.REFERENCE).elementwise();
  }

  @Test
  void biasAddBroadcastsARowOverRows() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor bias = Tensor.wrap(new float[] {10, 20, 30}, 3);
    Tensor y = Tensor.wrap(new float[6], 2, 3);
    kernels().add(x, bias, y);
    assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, y.toFloatArray());
    Tensor dy = Tensor.wrap(new float[] {1, 1, 1, 2, 2, 2}, 2, 3);
    Tensor dBias = Tensor.wrap(new float[3], 3);
    kernels().backward(BinaryOp.ADD, x, bias, dy, null, dBias);
    assertArrayEquals(new float[] {3, 3, 3}, dBias.toFloatArray());
  }

  @Test
  void outerProductOfAColumnAndARow() {
    Tensor col = Tensor.wrap(new float[] {1, 2}, 2, 1);
    Tensor row = Tensor.wrap(new float[] {3, 4, 5}, 1, 3);
    Tensor y = Tensor.wrap(new float[6], 2, 3);
    kernels().mul(col, row, y);
    assertArrayEquals(new float[] {3, 4, 5, 6, 8, 10}, y.toFloatArray());
    Tensor dy = Tensor.wrap(new float[] {1, 0, 1, 0, 1, 0}, 2, 3);
    Tensor dCol = Tensor.wrap(new float[2], 2, 1);
    Tensor dRow = Tensor.wrap(new float[3], 1, 3);
    kernels().backward(BinaryOp.MUL, col, row, dy, dCol, dRow);
    // dCol[i] = sum_j dy[i][j] row[j]; dRow[j] = sum_i dy[i][j] col[i]
    assertArrayEquals(new float[] {8, 4}, dCol.toFloatArray());
    assertArrayEquals(new float[] {1, 2, 1}, dRow.toFloatArray());
  }

  @Test
  void quotientGradients() {
    Tensor a = Tensor.wrap(new float[] {6, 8}, 2);
    Tensor b = Tensor.wrap(new float[] {2}, 1);
    Tensor y = Tensor.wrap(new float[2], 2);
    kernels().div(a, b, y);
    assertArrayEquals(new float[] {3, 4}, y.toFloatArray());
    Tensor dy = Tensor.wrap(new float[] {1, 1}, 2);
    Tensor da = Tensor.wrap(new float[2], 2);
    Tensor db = Tensor.wrap(new float[1], 1);
    kernels().backward(BinaryOp.DIV, a, b, dy, da, db);
    assertArrayEquals(new float[] {0.5f, 0.5f}, da.toFloatArray());
    // -(6 + 8) / 2^2
    assertArrayEquals(new float[] {-3.5f}, db.toFloatArray());
  }

  @Test
  void scalarSubtractionAndAxpy() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3}, 3);
    Tensor y = Tensor.wrap(new float[3], 3);
    kernels().scalar(BinaryOp.SUB, x, 1f, y);
    assertArrayEquals(new float[] {0, 1, 2}, y.toFloatArray());
    kernels().axpy(2f, x, y);
    assertArrayEquals(new float[] {2, 5, 8}, y.toFloatArray());
  }
}
