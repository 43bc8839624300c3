package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Plain-Java convolutions: the ground truth in tests. Every kernel is the defining sum written as
 * nested loops over one tap at a time, accumulated in double and rounded once. The transposed
 * kernels are written out on their own rather than through the forward ones, so that the tests
 * compare two independent derivations. Where a kernel reads the zero padding it multiplies the
 * zero like any other value, so NaN and infinity meet padding as they would an explicitly padded
 * input.
 */
final class ReferenceConv extends ConvKernels {

  @Override
  protected void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor y) {
    float[] xs = x.toFloatArray();
    float[] ws = w.toFloatArray();
    double[] acc = new double[y.size()];
    if (bias != null) {
      float[] bs = bias.toFloatArray();
      int o = y.dim(1), plane = y.dim(2) * y.dim(3);
      for (int i = 0; i < acc.length; i++) {
        acc[i] = bs[(i / plane) % o];
      }
    }
    forEachTap(x.shape(), w.shape(), y.shape(), p, (xi, wi, yi) -> {
      float value = xi < 0 ? 0f : xs[xi];
      acc[yi] += (double) ws[wi] * value;
    });
    y.copyFrom(toFloats(acc));
  }

  @Override
  protected void backwardInput(Tensor dy, Tensor w, Conv2dParams p, Tensor dx) {
    float[] dys = dy.toFloatArray();
    float[] ws = w.toFloatArray();
    double[] acc = new double[dx.size()];
    forEachTap(dx.shape(), w.shape(), dy.shape(), p, (xi, wi, yi) -> {
      if (xi >= 0) {
        acc[xi] += ws[wi] * (double) dys[yi];
      }
    });
    dx.copyFrom(toFloats(acc));
  }

  @Override
  protected void backwardWeight(Tensor x, Tensor dy, Conv2dParams p, Tensor dw) {
    float[] xs = x.toFloatArray();
    float[] dys = dy.toFloatArray();
    double[] acc = new double[dw.size()];
    forEachTap(x.shape(), dw.shape(), dy.shape(), p, (xi, wi, yi) -> {
      float value = xi < 0 ? 0f : xs[xi];
      acc[wi] += (double) dys[yi] * value;
    });
    dw.copyFrom(toFloats(acc));
  }

  /** One tap of a convolution: flat indices into input, weight and output. */
  @FunctionalInterface
  private interface Tap {
    void visit(int inputIndex, int weightIndex, int outputIndex);
  }

  /**
   * Visits every tap of the convolution defined on input, weight {@code [O, C/groups, kH, kW]} and
   * output shapes: output positions in row-major order, then within each the taps over input
   * channel and kernel row and column, so a sum into one output is the defining sum in order.
   * {@code inputIndex} is -1 where the tap reads the zero padding.
   */
  private static void forEachTap(int[] xShape, int[] wShape, int[] yShape, Conv2dParams p,
      Tap tap) {
    int n = xShape[0], c = xShape[1], h = xShape[2], wd = xShape[3];
    int o = wShape[0], kh = wShape[2], kw = wShape[3];
    int oh = yShape[2], ow = yShape[3];
    int cg = c / p.groups(), og = o / p.groups();
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        int firstChannel = (oc / og) * cg;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            int yi = ((b * o + oc) * oh + i) * ow + j;
            for (int ic = 0; ic < cg; ic++) {
              for (int u = 0; u < kh; u++) {
                int ih = i * p.strideH() - p.padH() + u * p.dilationH();
                for (int v = 0; v < kw; v++) {
                  int iw = j * p.strideW() - p.padW() + v * p.dilationW();
                  int xi = ih >= 0 && ih < h && iw >= 0 && iw < wd
                      ? ((b * c + firstChannel + ic) * h + ih) * wd + iw
                      : -1;
                  tap.visit(xi, ((oc * cg + ic) * kh + u) * kw + v, yi);
                }
              }
            }
          }
        }
      }
    }
  }

  @Override
  protected void biasGradient(Tensor dy, Tensor dbias) {
    float[] dys = dy.toFloatArray();
    int n = dy.dim(0), o = dy.dim(1), plane = dy.dim(2) * dy.dim(3);
    double[] acc = new double[o];
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        for (int i = 0; i < plane; i++) {
          acc[oc] += dys[(b * o + oc) * plane + i];
        }
      }
    }
    dbias.copyFrom(toFloats(acc));
  }

  /** Scatters every input element through the kernel: {@code y[oy, ox] += w * x[ih, iw]}. */
  @Override
  protected void transposeForward(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor y) {
    float[] xs = x.toFloatArray();
    float[] ws = w.toFloatArray();
    int o = y.dim(1), oh = y.dim(2), ow = y.dim(3);
    double[] acc = new double[y.size()];
    if (bias != null) {
      float[] bs = bias.toFloatArray();
      for (int i = 0; i < acc.length; i++) {
        acc[i] = bs[(i / (oh * ow)) % o];
      }
    }
    forEachTransposedTap(x.shape(), w.shape(), y.shape(), p, (xi, wi, yi) -> {
      if (yi >= 0) {
        acc[yi] += ws[wi] * (double) xs[xi];
      }
    });
    y.copyFrom(toFloats(acc));
  }

  @Override
  protected void transposeBackwardInput(Tensor dy, Tensor w, Conv2dParams p, Tensor dx) {
    float[] dys = dy.toFloatArray();
    float[] ws = w.toFloatArray();
    double[] acc = new double[dx.size()];
    forEachTransposedTap(dx.shape(), w.shape(), dy.shape(), p, (xi, wi, yi) -> {
      float value = yi < 0 ? 0f : dys[yi];
      acc[xi] += (double) ws[wi] * value;
    });
    dx.copyFrom(toFloats(acc));
  }

  @Override
  protected void transposeBackwardWeight(Tensor x, Tensor dy, Conv2dParams p, Tensor dw) {
    float[] xs = x.toFloatArray();
    float[] dys = dy.toFloatArray();
    double[] acc = new double[dw.size()];
    forEachTransposedTap(x.shape(), dw.shape(), dy.shape(), p, (xi, wi, yi) -> {
      float value = yi < 0 ? 0f : dys[yi];
      acc[wi] += (double) xs[xi] * value;
    });
    dw.copyFrom(toFloats(acc));
  }

  /**
   * Visits every tap of the transposed convolution defined on input, weight
   * {@code [C, O/groups, kH, kW]} and output shapes, written from the input's side: input positions
   * in row-major order, then within each the taps over output channel and kernel row and column.
   * {@code outputIndex} is -1 where the tap lands outside the output (in its cropped padding).
   */
  private static void forEachTransposedTap(int[] xShape, int[] wShape, int[] yShape,
      Conv2dParams p, Tap tap) {
    int n = xShape[0], c = xShape[1], h = xShape[2], wd = xShape[3];
    int og = wShape[1], kh = wShape[2], kw = wShape[3];
    int o = yShape[1], oh = yShape[2], ow = yShape[3];
    int cg = c / p.groups();
    for (int b = 0; b < n; b++) {
      for (int ic = 0; ic < c; ic++) {
        int firstOut = (ic / cg) * og;
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < wd; j++) {
            int xi = ((b * c + ic) * h + i) * wd + j;
            for (int oc = 0; oc < og; oc++) {
              for (int u = 0; u < kh; u++) {
                int oy = i * p.strideH() - p.padH() + u * p.dilationH();
                for (int v = 0; v < kw; v++) {
                  int ox = j * p.strideW() - p.padW() + v * p.dilationW();
                  int yi = oy >= 0 && oy < oh && ox >= 0 && ox < ow
                      ? ((b * o + firstOut + oc) * oh + oy) * ow + ox
                      : -1;
                  tap.visit(xi, ((ic * og + oc) * kh + u) * kw + v, yi);
                }
              }
            }
          }
        }
      }
    }
  }

  static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
