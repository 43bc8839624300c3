package dev.harmonics.kernel.reference;

import static dev.harmonics.testing.TensorAssertions.assertClose;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.NormConformance;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The conformance suite run on the reference itself, plus backward passes worked out by hand. */
class ReferenceNormTest extends NormConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  @Test
  void batchNormBackwardOfAShiftOrAScaleOfTheOutputIsZero() {
    // dy constant: moving every output of a channel equally is what beta does, so dx = 0 and
    // dbeta = M * dy. dy = xhat: scaling the outputs is what gamma does, so again dx = 0, and
    // dgamma = sum(xhat^2) = M (eps 0).
    try (Tensor x = Tensor.of(new float[] {1, 4, 2, 8, 3, 0}, 3, 2);
        Tensor gamma = Tensor.of(new float[] {2, 3}, 2);
        Tensor mean = Tensor.zeros(2);
        Tensor inv = Tensor.zeros(2);
        Tensor y = Tensor.zeros(3, 2);
        Tensor dx = Tensor.zeros(3, 2);
        Tensor dg = Tensor.zeros(2);
        Tensor db = Tensor.zeros(2);
        Tensor constant = Tensor.of(new float[] {0.5f, -1, 0.5f, -1, 0.5f, -1}, 3, 2)) {
      var norm = candidate().norm();
      norm.batchNormTrainingForward(x, gamma, Tensor.zeros(2), Tensor.zeros(2), Tensor.zeros(2),
          0.1f, 0f, y, mean, inv);
      norm.batchNormBackward(constant, x, gamma, mean, inv, dx, dg, db);
      assertClose(new float[6], dx.toFloatArray(), 1e-6, 0, "dx for constant dy");
      assertClose(new float[] {1.5f, -3f}, db.toFloatArray(), 1e-6, 0, "dbeta");
      assertClose(new float[] {0f, 0f}, dg.toFloatArray(), 1e-6, 0, "dgamma");

      float[] xhat = y.toFloatArray();
      float[] g = gamma.toFloatArray();
      for (int i = 0; i < xhat.length; i++) {
        xhat[i] /= g[i % 2];
      }
      try (Tensor dy = Tensor.of(xhat, 3, 2)) {
        norm.batchNormBackward(dy, x, gamma, mean, inv, dx, dg, db);
      }
      assertClose(new float[6], dx.toFloatArray(), 1e-6, 0, "dx for dy = xhat");
      assertClose(new float[] {3f, 3f}, dg.toFloatArray(), 1e-5, 0, "dgamma");
      assertClose(new float[] {0f, 0f}, db.toFloatArray(), 1e-6, 0, "dbeta");
    }
  }

  @Test
  void layerNormBackwardOfATwoElementRow() {
    // With two elements and eps 0, xhat is (-1, 1) whatever x is (if x0 < x1), so dx = 0, and the
    // parameter gradients are dgamma = dy * xhat, dbeta = dy.
    try (Tensor x = Tensor.of(new float[] {2, 7}, 1, 2);
        Tensor gamma = Tensor.of(new float[] {1.5f, -2f}, 2);
        Tensor dy = Tensor.of(new float[] {0.25f, 3f}, 1, 2);
        Tensor mean = Tensor.zeros(1);
        Tensor rstd = Tensor.zeros(1);
        Tensor y = Tensor.zeros(1, 2);
        Tensor dx = Tensor.zeros(1, 2);
        Tensor dg = Tensor.zeros(2);
        Tensor db = Tensor.zeros(2)) {
      var norm = candidate().norm();
      norm.layerNormForward(x, gamma, Tensor.zeros(2), 0f, y, mean, rstd);
      assertClose(new float[] {-1.5f, -2f}, y.toFloatArray(), 1e-6, 0, "y");
      norm.layerNormBackward(dy, x, gamma, mean, rstd, dx, dg, db);
      assertClose(new float[] {0f, 0f}, dx.toFloatArray(), 1e-6, 0, "dx");
      assertClose(new float[] {-0.25f, 3f}, dg.toFloatArray(), 1e-6, 0, "dgamma");
      assertClose(new float[] {0.25f, 3f}, db.toFloatArray(), 1e-6, 0, "dbeta");
    }
  }
}
