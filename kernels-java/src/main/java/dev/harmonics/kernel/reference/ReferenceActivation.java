package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-Java activation kernels: each element through {@link Activation}'s double definitions. */
final class ReferenceActivation extends ActivationKernels {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  @Override
  protected void forwardKernel(Activation f, float alpha, Tensor x, Tensor y) {
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      ys.setAtIndex(F, i, (float) f.applyAsDouble(xs.getAtIndex(F, i), alpha));
    }
  }

  @Override
  protected void backwardKernel(
      Activation f, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    MemorySegment xs = x.data();
    MemorySegment dys = dy.data();
    MemorySegment dxs = dx.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      double slope = f.derivativeAsDouble(xs.getAtIndex(F, i), alpha);
      dxs.setAtIndex(F, i, (float) (dys.getAtIndex(F, i) * slope));
    }
  }

  @Override
  protected void preluForwardKernel(
      Tensor x, Tensor slope, int outer, int channels, int inner, Tensor y) {
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    float[] a = slope.toFloatArray();
    long i = 0;
    for (int n = 0; n < outer; n++) {
      for (int c = 0; c < channels; c++) {
        for (int k = 0; k < inner; k++, i++) {
          ys.setAtIndex(F, i, (float) Activation.PRELU.applyAsDouble(xs.getAtIndex(F, i), a[c]));
        }
      }
    }
  }

  @Override
  protected void preluBackwardKernel(Tensor x, Tensor slope, Tensor dy, int outer, int channels,
      int inner, Tensor dx, Tensor dslope) {
    MemorySegment xs = x.data();
    MemorySegment dys = dy.data();
    MemorySegment dxs = dx == null ? null : dx.data();
    float[] a = slope.toFloatArray();
    double[] sums = new double[channels];
    long i = 0;
    for (int n = 0; n < outer; n++) {
      for (int c = 0; c < channels; c++) {
        for (int k = 0; k < inner; k++, i++) {
          float v = xs.getAtIndex(F, i);
          double g = dys.getAtIndex(F, i);
          if (!(v > 0)) {
            sums[c] += v * g;
          }
          if (dxs != null) {
            dxs.setAtIndex(F, i, (float) (g * Activation.PRELU.derivativeAsDouble(v, a[c])));
          }
        }
      }
    }
    if (dslope != null) {
      for (int c = 0; c < channels; c++) {
        dslope.data().setAtIndex(F, c, (float) sums[c]);
      }
    }
  }
}
