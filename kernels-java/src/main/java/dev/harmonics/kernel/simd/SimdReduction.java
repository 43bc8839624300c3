package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.tensor.Tensor;

final class SimdReduction extends ReductionKernels {
  protected void sumKernel(Tensor x, boolean[] reduced, int divisor, Tensor out) { throw new UnsupportedOperationException(); }
  protected void maxKernel(Tensor x, boolean[] reduced, Tensor out) { throw new UnsupportedOperationException(); }
  protected void broadcastKernel(Tensor dy, boolean[] reduced, float scale, Tensor dx) { throw new UnsupportedOperationException(); }
  protected void maxBackwardKernel(Tensor x, Tensor y, Tensor dy, boolean[] reduced, Tensor dx) { throw new UnsupportedOperationException(); }
}
