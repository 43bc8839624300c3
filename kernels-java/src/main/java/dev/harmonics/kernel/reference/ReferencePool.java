package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain-Java pooling: the ground truth in tests. Windows are scanned tap by tap, row by row; sums
 * are accumulated in double and rounded once.
 */
final class ReferencePool extends PoolKernels {

  @Override
  protected void maxForward(Tensor x, Pool2dParams p, Tensor y, Tensor indices) {
    float[] xs = x.toFloatArray();
    int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
    int oh = y.dim(2), ow = y.dim(3);
    float[] out = new float[y.size()];
    int[] arg = new int[y.size()];
    for (int plane = 0; plane < planes; plane++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          float best = Float.NaN;
          int bestIndex = -1;
          for (int u = 0; u < p.kernelH(); u++) {
            int ih = i * p.strideH() - p.padH() + u * p.dilationH();
            if (ih < 0 || ih >= h) {
              continue;
            }
            for (int v = 0; v < p.kernelW(); v++) {
              int iw = j * p.strideW() - p.padW() + v * p.dilationW();
              if (iw < 0 || iw >= w) {
                continue;
              }
              float value = xs[(plane * h + ih) * w + iw];
              if (bestIndex < 0 || isBetter(value, best)) {
                best = value;
                bestIndex = ih * w + iw;
              }
            }
          }
          int at = (plane * oh + i) * ow + j;
          out[at] = best;
          arg[at] = bestIndex;
        }
      }
    }
    y.copyFrom(out);
    if (indices != null) {
      MemorySegment.copy(arg, 0, indices.data(), ValueLayout.JAVA_INT, 0, arg.length);
    }
  }

  /** A later element replaces the current maximum only when strictly greater, or the first NaN. */
  private static boolean isBetter(float value, float best) {
    return value > best || (Float.isNaN(value) && !Float.isNaN(best));
  }

  @Override
  protected void maxBackward(Tensor dy, Tensor indices, Tensor dx) {
    float[] dys = dy.toFloatArray();
    int[] arg = new int[indices.size()];
    MemorySegment.copy(indices.data(), ValueLayout.JAVA_INT, 0, arg, 0, arg.length);
    int planes = dx.dim(0) * dx.dim(1), planeSize = dx.dim(2) * dx.dim(3);
    int outPlane = dy.dim(2) * dy.dim(3);
    double[] acc = new double[dx.size()];
    for (int plane = 0; plane < planes; plane++) {
      for (int i = 0; i < outPlane; i++) {
        int at = plane * outPlane + i;
        acc[plane * planeSize + arg[at]] += dys[at];
      }
    }
    dx.copyFrom(ReferenceConv.toFloats(acc));
  }

  @Override
  protected void avgForward(Tensor x, Pool2dParams p, Tensor y) {
    float[] xs = x.toFloatArray();
    int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
    int oh = y.dim(2), ow = y.dim(3);
    float[] out = new float[y.size()];
    for (int plane = 0; plane < planes; plane++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double sum = 0;
          for (int u = 0; u < p.kernelH(); u++) {
            int ih = i * p.strideH() - p.padH() + u * p.dilationH();
            for (int v = 0; v < p.kernelW(); v++) {
              int iw = j * p.strideW() - p.padW() + v * p.dilationW();
              if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                sum += xs[(plane * h + ih) * w + iw];
              }
            }
          }
          out[(plane * oh + i) * ow + j] = (float) (sum / divisor(p, i, j, h, w));
        }
      }
    }
    y.copyFrom(out);
  }

  @Override
  protected void avgBackward(Tensor dy, Pool2dParams p, Tensor dx) {
    float[] dys = dy.toFloatArray();
    int planes = dx.dim(0) * dx.dim(1), h = dx.dim(2), w = dx.dim(3);
    int oh = dy.dim(2), ow = dy.dim(3);
    double[] acc = new double[dx.size()];
    for (int plane = 0; plane < planes; plane++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double share = dys[(plane * oh + i) * ow + j] / (double) divisor(p, i, j, h, w);
          for (int u = 0; u < p.kernelH(); u++) {
            int ih = i * p.strideH() - p.padH() + u * p.dilationH();
            for (int v = 0; v < p.kernelW(); v++) {
              int iw = j * p.strideW() - p.padW() + v * p.dilationW();
              if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                acc[(plane * h + ih) * w + iw] += share;
              }
            }
          }
        }
      }
    }
    dx.copyFrom(ReferenceConv.toFloats(acc));
  }

  /** The taps of window {@code (i, j)} inside the input, or inside the padded input. */
  private static int divisor(Pool2dParams p, int i, int j, int h, int w) {
    int count = 0;
    for (int u = 0; u < p.kernelH(); u++) {
      int ih = i * p.strideH() - p.padH() + u * p.dilationH();
      for (int v = 0; v < p.kernelW(); v++) {
        int iw = j * p.strideW() - p.padW() + v * p.dilationW();
        boolean inside = p.countIncludePad()
            ? ih >= -p.padH() && ih < h + p.padH() && iw >= -p.padW() && iw < w + p.padW()
            : ih >= 0 && ih < h && iw >= 0 && iw < w;
        if (inside) {
          count++;
        }
      }
    }
    return count;
  }

  @Override
  protected void globalAvgForward(Tensor x, Tensor y) {
    float[] xs = x.toFloatArray();
    int planes = x.dim(0) * x.dim(1), planeSize = x.dim(2) * x.dim(3);
    float[] out = new float[planes];
    for (int plane = 0; plane < planes; plane++) {
      double sum = 0;
      for (int i = 0; i < planeSize; i++) {
        sum += xs[plane * planeSize + i];
      }
      out[plane] = (float) (sum / planeSize);
    }
    y.copyFrom(out);
  }

  @Override
  protected void globalAvgBackward(Tensor dy, Tensor dx) {
    float[] dys = dy.toFloatArray();
    int planes = dx.dim(0) * dx.dim(1), planeSize = dx.dim(2) * dx.dim(3);
    float[] out = new float[dx.size()];
    for (int plane = 0; plane < planes; plane++) {
      float share = (float) ((double) dys[plane] / planeSize);
      for (int i = 0; i < planeSize; i++) {
        out[plane * planeSize + i] = share;
      }
    }
    dx.copyFrom(out);
  }
}
