package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.NormKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Plain-Java norm kernels: the ground truth in tests. Statistics and sums are taken in double over
 * copies of the inputs, so in-place calls (output the same tensor as an input) are safe.
 */
final class ReferenceNorm extends NormKernels {

  @Override
  protected void doBatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
      Tensor saveInvStd, int batch, int channels, int spatial) {
    float[] xs = x.toFloatArray();
    float[] g = gamma.toFloatArray();
    float[] b = beta.toFloatArray();
    float[] rm = runningMean.toFloatArray();
    float[] rv = runningVar.toFloatArray();
    float[] out = new float[xs.length];
    float[] means = new float[channels];
    float[] invStds = new float[channels];
    long count = (long) batch * spatial;
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      for (int n = 0; n < batch; n++) {
        for (int s = 0; s < spatial; s++) {
          sum += xs[index(n, c, s, channels, spatial)];
        }
      }
      double mean = sum / count;
      double squares = 0;
      for (int n = 0; n < batch; n++) {
        for (int s = 0; s < spatial; s++) {
          double d = xs[index(n, c, s, channels, spatial)] - mean;
          squares += d * d;
        }
      }
      double var = squares / count;
      double invStd = 1.0 / Math.sqrt(var + eps);
      for (int n = 0; n < batch; n++) {
        for (int s = 0; s < spatial; s++) {
          int i = index(n, c, s, channels, spatial);
          out[i] = (float) ((xs[i] - mean) * invStd * g[c] + b[c]);
        }
      }
      double unbiased = squares / (count - 1);
      rm[c] = (float) ((1.0 - momentum) * rm[c] + momentum * mean);
      rv[c] = (float) ((1.0 - momentum) * rv[c] + momentum * unbiased);
      means[c] = (float) mean;
      invStds[c] = (float) invStd;
    }
    y.copyFrom(out);
    runningMean.copyFrom(rm);
    runningVar.copyFrom(rv);
    writeOptional(saveMean, means);
    writeOptional(saveInvStd, invStds);
  }

  @Override
  protected void doBatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
      Tensor runningVar, float eps, Tensor y, int batch, int channels, int spatial) {
    float[] xs = x.toFloatArray();
    float[] g = gamma.toFloatArray();
    float[] b = beta.toFloatArray();
    float[] rm = runningMean.toFloatArray();
    float[] rv = runningVar.toFloatArray();
    float[] out = new float[xs.length];
    for (int c = 0; c < channels; c++) {
      double invStd = 1.0 / Math.sqrt((double) rv[c] + eps);
      for (int n = 0; n < batch; n++) {
        for (int s = 0; s < spatial; s++) {
          int i = index(n, c, s, channels, spatial);
          out[i] = (float) ((xs[i] - (double) rm[c]) * invStd * g[c] + b[c]);
        }
      }
    }
    y.copyFrom(out);
  }

  @Override
  protected void doBatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, int batch, int channels,
      int spatial) {
    float[] dys = dy.toFloatArray();
    float[] xs = x.toFloatArray();
    float[] g = gamma.toFloatArray();
    float[] means = saveMean.toFloatArray();
    float[] invStds = saveInvStd.toFloatArray();
    float[] out = new float[xs.length];
    float[] dg = new float[channels];
    float[] db = new float[channels];
    double count = (double) batch * spatial;
    for (int c = 0; c < channels; c++) {
      double mean = means[c];
      double invStd = invStds[c];
      double sumDy = 0;
      double sumDyXhat = 0;
      for (int n = 0; n < batch; n++) {
        for (int s = 0; s < spatial; s++) {
          int i = index(n, c, s, channels, spatial);
          sumDy += dys[i];
          sumDyXhat += dys[i] * ((xs[i] - mean) * invStd);
        }
      }
      double scale = g[c] * invStd / count;
      for (int n = 0; n < batch; n++) {
        for (int s = 0; s < spatial; s++) {
          int i = index(n, c, s, channels, spatial);
          double xhat = (xs[i] - mean) * invStd;
          out[i] = (float) (scale * (count * dys[i] - sumDy - xhat * sumDyXhat));
        }
      }
      dg[c] = (float) sumDyXhat;
      db[c] = (float) sumDy;
    }
    dx.copyFrom(out);
    writeOptional(dgamma, dg);
    writeOptional(dbeta, db);
  }

  @Override
  protected void doLayerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
      Tensor saveMean, Tensor saveRstd, int rows, int width) {
    float[] xs = x.toFloatArray();
    float[] g = gamma.toFloatArray();
    float[] b = beta.toFloatArray();
    float[] out = new float[xs.length];
    float[] means = new float[rows];
    float[] rstds = new float[rows];
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      double sum = 0;
      for (int j = 0; j < width; j++) {
        sum += xs[base + j];
      }
      double mean = sum / width;
      double squares = 0;
      for (int j = 0; j < width; j++) {
        double d = xs[base + j] - mean;
        squares += d * d;
      }
      double rstd = 1.0 / Math.sqrt(squares / width + eps);
      for (int j = 0; j < width; j++) {
        out[base + j] = (float) ((xs[base + j] - mean) * rstd * g[j] + b[j]);
      }
      means[r] = (float) mean;
      rstds[r] = (float) rstd;
    }
    y.copyFrom(out);
    writeOptional(saveMean, means);
    writeOptional(saveRstd, rstds);
  }

  @Override
  protected void doLayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveRstd, Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int width) {
    float[] dys = dy.toFloatArray();
    float[] xs = x.toFloatArray();
    float[] g = gamma.toFloatArray();
    float[] means = saveMean.toFloatArray();
    float[] rstds = saveRstd.toFloatArray();
    float[] out = new float[xs.length];
    double[] dg = new double[width];
    double[] db = new double[width];
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      double mean = means[r];
      double rstd = rstds[r];
      double sumG = 0;
      double sumGXhat = 0;
      for (int j = 0; j < width; j++) {
        double xhat = (xs[base + j] - mean) * rstd;
        double gj = (double) dys[base + j] * g[j];
        sumG += gj;
        sumGXhat += gj * xhat;
        dg[j] += dys[base + j] * xhat;
        db[j] += dys[base + j];
      }
      double meanG = sumG / width;
      double meanGXhat = sumGXhat / width;
      for (int j = 0; j < width; j++) {
        double xhat = (xs[base + j] - mean) * rstd;
        double gj = (double) dys[base + j] * g[j];
        out[base + j] = (float) (rstd * (gj - meanG - xhat * meanGXhat));
      }
    }
    dx.copyFrom(out);
    writeOptional(dgamma, ReferenceConv.toFloats(dg));
    writeOptional(dbeta, ReferenceConv.toFloats(db));
  }

  @Override
  protected void doRmsNormForward(Tensor x, Tensor gamma, float eps, Tensor y, Tensor saveRrms,
      int rows, int width) {
    float[] xs = x.toFloatArray();
    float[] g = gamma.toFloatArray();
    float[] out = new float[xs.length];
    float[] rrms = new float[rows];
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      double squares = 0;
      for (int j = 0; j < width; j++) {
        squares += (double) xs[base + j] * xs[base + j];
      }
      double inv = 1.0 / Math.sqrt(squares / width + eps);
      for (int j = 0; j < width; j++) {
        out[base + j] = (float) (xs[base + j] * inv * g[j]);
      }
      rrms[r] = (float) inv;
    }
    y.copyFrom(out);
    writeOptional(saveRrms, rrms);
  }

  @Override
  protected void doRmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveRrms, Tensor dx,
      Tensor dgamma, int rows, int width) {
    float[] dys = dy.toFloatArray();
    float[] xs = x.toFloatArray();
    float[] g = gamma.toFloatArray();
    float[] rrms = saveRrms.toFloatArray();
    float[] out = new float[xs.length];
    double[] dg = new double[width];
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      double inv = rrms[r];
      double sumGXhat = 0;
      for (int j = 0; j < width; j++) {
        double xhat = xs[base + j] * inv;
        sumGXhat += (double) dys[base + j] * g[j] * xhat;
        dg[j] += dys[base + j] * xhat;
      }
      double meanGXhat = sumGXhat / width;
      for (int j = 0; j < width; j++) {
        double xhat = xs[base + j] * inv;
        out[base + j] = (float) (inv * ((double) dys[base + j] * g[j] - xhat * meanGXhat));
      }
    }
    dx.copyFrom(out);
    writeOptional(dgamma, ReferenceConv.toFloats(dg));
  }

  private static int index(int n, int c, int s, int channels, int spatial) {
    return (n * channels + c) * spatial + s;
  }

  private static void writeOptional(Tensor t, float[] values) {
    if (t != null) {
      t.copyFrom(values);
    }
  }
}
