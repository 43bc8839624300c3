package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.Broadcasting;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-Java elementwise kernels; gradients are summed in double. */
final class ReferenceElementwise extends ElementwiseKernels {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  @Override
  protected void forwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    int[] shape = out.shape();
    long[] as = Broadcasting.strides(a.shape(), shape);
    long[] bs = Broadcasting.strides(b.shape(), shape);
    MemorySegment am = a.data();
    MemorySegment bm = b.data();
    MemorySegment om = out.data();
    for (long i = 0, n = out.size(); i < n; i++) {
      float x = am.getAtIndex(F, BroadcastIndex.offset(i, shape, as));
      float y = bm.getAtIndex(F, BroadcastIndex.offset(i, shape, bs));
      om.setAtIndex(F, i, (float) op.applyAsDouble(x, y));
    }
  }

  @Override
  protected void backwardKernel(
      BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
    int[] shape = dy.shape();
    long[] as = Broadcasting.strides(a.shape(), shape);
    long[] bs = Broadcasting.strides(b.shape(), shape);
    MemorySegment am = a.data();
    MemorySegment bm = b.data();
    MemorySegment gm = dy.data();
    double[] ga = new double[a.size()];
    double[] gb = new double[b.size()];
    for (long i = 0, n = dy.size(); i < n; i++) {
      long ia = BroadcastIndex.offset(i, shape, as);
      long ib = BroadcastIndex.offset(i, shape, bs);
      double x = am.getAtIndex(F, ia);
      double y = bm.getAtIndex(F, ib);
      double g = gm.getAtIndex(F, i);
      switch (op) {
        case ADD -> {
          ga[(int) ia] += g;
          gb[(int) ib] += g;
        }
        case SUB -> {
          ga[(int) ia] += g;
          gb[(int) ib] -= g;
        }
        case MUL -> {
          ga[(int) ia] += g * y;
          gb[(int) ib] += g * x;
        }
        case DIV -> {
          ga[(int) ia] += g / y;
          gb[(int) ib] -= g * x / (y * y);
        }
      }
    }
    store(ga, da);
    store(gb, db);
  }

  @Override
  protected void scalarKernel(BinaryOp op, Tensor x, float s, Tensor out) {
    MemorySegment xm = x.data();
    MemorySegment om = out.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      om.setAtIndex(F, i, (float) op.applyAsDouble(xm.getAtIndex(F, i), s));
    }
  }

  @Override
  protected void axpyKernel(float alpha, Tensor x, Tensor y) {
    MemorySegment xm = x.data();
    MemorySegment ym = y.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      ym.setAtIndex(F, i, Math.fma(alpha, xm.getAtIndex(F, i), ym.getAtIndex(F, i)));
    }
  }

  private static void store(double[] values, Tensor target) {
    if (target == null) {
      return;
    }
    MemorySegment m = target.data();
    for (int i = 0; i < values.length; i++) {
      m.setAtIndex(F, i, (float) values[i]);
    }
  }
}
