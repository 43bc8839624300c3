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
    float[] bs = bias == null ? null : bias.toFloatArray();
    int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
    int o = w.dim(0), kh = w.dim(2), kw = w.dim(3);
    int oh = y.dim(2), ow = y.dim(3);
    int cg = c / p.groups(), og = o / p.groups();
    double[] acc = new double[y.size()];
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        int firstChannel = (oc / og) * cg;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double s = bs == null ? 0 : bs[oc];
            for (int ic = 0; ic < cg; ic++) {
              for (int u = 0; u < kh; u++) {
                int ih = i * p.strideH() - p.padH() + u * p.dilationH();
                for (int v = 0; v < kw; v++) {
                  int iw = j * p.strideW() - p.padW() + v * p.dilationW();
                  float value = ih >= 0 && ih < h && iw >= 0 && iw < wd
                      ? xs[((b * c + firstChannel + ic) * h + ih) * wd + iw]
                      : 0f;
                  s += (double) ws[((oc * cg + ic) * kh + u) * kw + v] * value;
                }
              }
            }
            acc[((b * o + oc) * oh + i) * ow + j] = s;
          }
        }
      }
    }
    y.copyFrom(toFloats(acc));
  }

  @Override
  protected void backwardInput(Tensor dy, Tensor w, Conv2dParams p, Tensor dx) {
    float[] dys = dy.toFloatArray();
    float[] ws = w.toFloatArray();
    int n = dx.dim(0), c = dx.dim(1), h = dx.dim(2), wd = dx.dim(3);
    int o = w.dim(0), kh = w.dim(2), kw = w.dim(3);
    int oh = dy.dim(2), ow = dy.dim(3);
    int cg = c / p.groups(), og = o / p.groups();
    double[] acc = new double[dx.size()];
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        int firstChannel = (oc / og) * cg;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double g = dys[((b * o + oc) * oh + i) * ow + j];
            for (int ic = 0; ic < cg; ic++) {
              for (int u = 0; u < kh; u++) {
                int ih = i * p.strideH() - p.padH() + u * p.dilationH();
                if (ih < 0 || ih >= h) {
                  continue;
                }
                for (int v = 0; v < kw; v++) {
                  int iw = j * p.strideW() - p.padW() + v * p.dilationW();
                  if (iw < 0 || iw >= wd) {
                    continue;
                  }
                  acc[((b * c + firstChannel + ic) * h + ih) * wd + iw] +=
                      ws[((oc * cg + ic) * kh + u) * kw + v] * g;
                }
              }
            }
          }
        }
      }
    }
    dx.copyFrom(toFloats(acc));
  }

  @Override
  protected void backwardWeight(Tensor x, Tensor dy, Conv2dParams p, Tensor dw) {
    float[] xs = x.toFloatArray();
    float[] dys = dy.toFloatArray();
    int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
    int o = dw.dim(0), kh = dw.dim(2), kw = dw.dim(3);
    int oh = dy.dim(2), ow = dy.dim(3);
    int cg = c / p.groups(), og = o / p.groups();
    double[] acc = new double[dw.size()];
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        int firstChannel = (oc / og) * cg;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double g = dys[((b * o + oc) * oh + i) * ow + j];
            for (int ic = 0; ic < cg; ic++) {
              for (int u = 0; u < kh; u++) {
                int ih = i * p.strideH() - p.padH() + u * p.dilationH();
                for (int v = 0; v < kw; v++) {
                  int iw = j * p.strideW() - p.padW() + v * p.dilationW();
                  float value = ih >= 0 && ih < h && iw >= 0 && iw < wd
                      ? xs[((b * c + firstChannel + ic) * h + ih) * wd + iw]
                      : 0f;
                  acc[((oc * cg + ic) * kh + u) * kw + v] += g * value;
                }
              }
            }
          }
        }
      }
    }
    dw.copyFrom(toFloats(acc));
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
    int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
    int og = w.dim(1), kh = w.dim(2), kw = w.dim(3);
    int o = y.dim(1), oh = y.dim(2), ow = y.dim(3);
    int cg = c / p.groups();
    double[] acc = new double[y.size()];
    if (bias != null) {
      float[] bs = bias.toFloatArray();
      for (int i = 0; i < acc.length; i++) {
        acc[i] = bs[(i / (oh * ow)) % o];
      }
    }
    for (int b = 0; b < n; b++) {
      for (int ic = 0; ic < c; ic++) {
        int firstOut = (ic / cg) * og;
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < wd; j++) {
            double v0 = xs[((b * c + ic) * h + i) * wd + j];
            for (int oc = 0; oc < og; oc++) {
              for (int u = 0; u < kh; u++) {
                int oy = i * p.strideH() - p.padH() + u * p.dilationH();
                if (oy < 0 || oy >= oh) {
                  continue;
                }
                for (int v = 0; v < kw; v++) {
                  int ox = j * p.strideW() - p.padW() + v * p.dilationW();
                  if (ox < 0 || ox >= ow) {
                    continue;
                  }
                  acc[((b * o + firstOut + oc) * oh + oy) * ow + ox] +=
                      ws[((ic * og + oc) * kh + u) * kw + v] * v0;
                }
              }
            }
          }
        }
      }
    }
    y.copyFrom(toFloats(acc));
  }

  @Override
  protected void transposeBackwardInput(Tensor dy, Tensor w, Conv2dParams p, Tensor dx) {
    float[] dys = dy.toFloatArray();
    float[] ws = w.toFloatArray();
    int n = dx.dim(0), c = dx.dim(1), h = dx.dim(2), wd = dx.dim(3);
    int og = w.dim(1), kh = w.dim(2), kw = w.dim(3);
    int o = dy.dim(1), oh = dy.dim(2), ow = dy.dim(3);
    int cg = c / p.groups();
    double[] acc = new double[dx.size()];
    for (int b = 0; b < n; b++) {
      for (int ic = 0; ic < c; ic++) {
        int firstOut = (ic / cg) * og;
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < wd; j++) {
            double s = 0;
            for (int oc = 0; oc < og; oc++) {
              for (int u = 0; u < kh; u++) {
                int oy = i * p.strideH() - p.padH() + u * p.dilationH();
                for (int v = 0; v < kw; v++) {
                  int ox = j * p.strideW() - p.padW() + v * p.dilationW();
                  float value = oy >= 0 && oy < oh && ox >= 0 && ox < ow
                      ? dys[((b * o + firstOut + oc) * oh + oy) * ow + ox]
                      : 0f;
                  s += (double) ws[((ic * og + oc) * kh + u) * kw + v] * value;
                }
              }
            }
            acc[((b * c + ic) * h + i) * wd + j] = s;
          }
        }
      }
    }
    dx.copyFrom(toFloats(acc));
  }

  @Override
  protected void transposeBackwardWeight(Tensor x, Tensor dy, Conv2dParams p, Tensor dw) {
    float[] xs = x.toFloatArray();
    float[] dys = dy.toFloatArray();
    int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
    int og = dw.dim(1), kh = dw.dim(2), kw = dw.dim(3);
    int o = dy.dim(1), oh = dy.dim(2), ow = dy.dim(3);
    int cg = c / p.groups();
    double[] acc = new double[dw.size()];
    for (int b = 0; b < n; b++) {
      for (int ic = 0; ic < c; ic++) {
        int firstOut = (ic / cg) * og;
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < wd; j++) {
            double v0 = xs[((b * c + ic) * h + i) * wd + j];
            for (int oc = 0; oc < og; oc++) {
              for (int u = 0; u < kh; u++) {
                int oy = i * p.strideH() - p.padH() + u * p.dilationH();
                for (int v = 0; v < kw; v++) {
                  int ox = j * p.strideW() - p.padW() + v * p.dilationW();
                  float value = oy >= 0 && oy < oh && ox >= 0 && ox < ow
                      ? dys[((b * o + firstOut + oc) * oh + oy) * ow + ox]
                      : 0f;
                  acc[((ic * og + oc) * kh + u) * kw + v] += v0 * value;
                }
              }
            }
          }
        }
      }
    }
    dw.copyFrom(toFloats(acc));
  }

  static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
