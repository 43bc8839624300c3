package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Plain-Java softmax kernels: the ground truth in tests. Each line along the axis is gathered with
 * its stride, reduced in double and scattered back; inputs are copied first, so in-place calls are
 * safe.
 */
final class ReferenceSoftmax extends SoftmaxKernels {

  @Override
  protected void doSoftmax(Tensor x, Tensor y, int outer, int length, int inner, boolean log) {
    float[] xs = x.toFloatArray();
    float[] out = new float[xs.length];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * length * inner + j;
        double max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < length; l++) {
          max = Math.max(max, xs[base + l * inner]);
        }
        double sum = 0;
        for (int l = 0; l < length; l++) {
          sum += Math.exp(xs[base + l * inner] - max);
        }
        double logSum = Math.log(sum);
        for (int l = 0; l < length; l++) {
          double shifted = xs[base + l * inner] - max;
          out[base + l * inner] = (float) (log ? shifted - logSum : Math.exp(shifted) / sum);
        }
      }
    }
    y.copyFrom(out);
  }

  @Override
  protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, int outer, int length,
      int inner, boolean log) {
    float[] ys = y.toFloatArray();
    float[] dys = dy.toFloatArray();
    float[] out = new float[ys.length];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int base = o * length * inner + j;
        double s = 0;
        for (int l = 0; l < length; l++) {
          int i = base + l * inner;
          s += log ? dys[i] : (double) dys[i] * ys[i];
        }
        for (int l = 0; l < length; l++) {
          int i = base + l * inner;
          out[i] = (float) (log ? dys[i] - Math.exp(ys[i]) * s : ys[i] * (dys[i] - s));
        }
      }
    }
    dx.copyFrom(out);
  }
}
