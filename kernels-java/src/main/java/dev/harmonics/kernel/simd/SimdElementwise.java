package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.tensor.Tensor;

final class SimdElementwise extends ElementwiseKernels {
  protected void forwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor out) { throw new UnsupportedOperationException(); }
  protected void backwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) { throw new UnsupportedOperationException(); }
  protected void scalarKernel(BinaryOp op, Tensor x, float s, Tensor out) { throw new UnsupportedOperationException(); }
  protected void axpyKernel(float alpha, Tensor x, Tensor y) { throw new UnsupportedOperationException(); }
}
