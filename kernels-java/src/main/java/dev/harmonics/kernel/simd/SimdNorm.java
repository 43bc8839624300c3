package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.NormKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Vector API norm kernels.
 *
 * <p>Batch norm has two layouts. When a channel's spatial plane is long enough ({@link
 * #PLANE_MIN} elements, as in most {@code [N, C, H, W]} images), each {@code (n, c)} plane is a
 * contiguous run and the work is split by channel: one task makes the mean pass, the variance pass
 * and the normalising pass over its channels while their planes are still in cache. Otherwise
 * ({@code [N, C]} dense layers, small feature maps) rows of {@code C * spatial} values are reduced
 * column by column, vectorised across the columns, with the rows split into slices that each keep
 * partial column sums ({@link ColumnSums}). Small dense inputs ({@code [N, C]}, at most {@link
 * DenseBatchNorm#MAX_ELEMENTS} values) skip that machinery: {@link DenseBatchNorm} sums across
 * channels in registers ({@link NarrowBatchNorm} when a row is exactly half a vector).
 *
 * <p>Layer norm and RMS norm work row by row (a row is the normalised shape), split by rows; their
 * parameter gradients are column sums over the rows, again through {@link ColumnSums}.
 *
 * <p>Sums run in float vector lanes over at most 4096 elements of a row or plane, or {@link
 * ColumnSums#BLOCK_ROWS} rows, and those partial sums are added in double, which keeps float
 * rounding error from growing with the row length or the batch size. The mean is summed as
 * deviations from one of the values, so a large common offset costs no precision, and the variance
 * is two-pass (the sum of squared deviations from the mean), which stays accurate where the
 * single-pass {@code E[x^2] - E[x]^2} cancels.
 */
final class SimdNorm extends NormKernels {

  /** Below about this many elements a task costs more to hand off than it saves. */
  static final int GRAIN = 1 << 15;
  /**
   * The smallest plane handled plane by plane; smaller ones go column-wise. Measured on one
   * thread, training forward: 7 x 7 planes 1.1 ns per element plane-wise and 0.74 column-wise,
   * 28 x 28 planes 0.44 plane-wise and 1.8 column-wise.
   */
  private static final int PLANE_MIN = 64;

  @Override
  protected void doBatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
      Tensor saveInvStd, int batch, int channels, int spatial) {
    if (NarrowBatchNorm.fits(batch, channels, spatial)) {
      NarrowBatchNorm.trainingForward(x.storage(), x.byteOffset(), gamma.storage(),
          gamma.byteOffset(), beta.storage(), beta.byteOffset(), runningMean.storage(),
          runningMean.byteOffset(), runningVar.storage(), runningVar.byteOffset(), momentum, eps,
          y.storage(), y.byteOffset(), saveMean == null ? null : saveMean.storage(),
          saveMean == null ? 0 : saveMean.byteOffset(),
          saveInvStd == null ? null : saveInvStd.storage(),
          saveInvStd == null ? 0 : saveInvStd.byteOffset(), batch, channels);
      return;
    }
    if (DenseBatchNorm.fits(batch, channels, spatial)) {
      DenseBatchNorm.trainingForward(x.storage(), x.byteOffset(), gamma.storage(),
          gamma.byteOffset(), beta.storage(), beta.byteOffset(), runningMean.storage(),
          runningMean.byteOffset(), runningVar.storage(), runningVar.byteOffset(), momentum, eps,
          y.storage(), y.byteOffset(), saveMean == null ? null : saveMean.storage(),
          saveMean == null ? 0 : saveMean.byteOffset(),
          saveInvStd == null ? null : saveInvStd.storage(),
          saveInvStd == null ? 0 : saveInvStd.byteOffset(), batch, channels);
      return;
    }
    double[] mean = new double[channels];
    double[] squares = new double[channels];
    float[] g = gamma.toFloatArray();
    float[] b = beta.toFloatArray();
    double count = (double) batch * spatial;
    if (spatial >= PLANE_MIN) {
      Runs xr = new Runs(x);
      Runs yr = new Runs(y);
      int grain = Math.max(1, (int) (GRAIN / count));
      KernelPool.shared().parallelFor(channels, grain, (from, to) -> {
        for (int c = from; c < to; c++) {
          float pivot = xr.seg.get(ValueLayout.JAVA_FLOAT, xr.plane(0, c, channels, spatial));
          double sum = 0;
          for (int n = 0; n < batch; n++) {
            sum += NormRows.sumShifted(xr.seg, xr.plane(n, c, channels, spatial), spatial, pivot);
          }
          mean[c] = pivot + sum / count;
          float m = (float) mean[c];
          double sq = 0;
          for (int n = 0; n < batch; n++) {
            sq += NormRows.sumSquaredDeviation(xr.seg, xr.plane(n, c, channels, spatial), spatial,
                m);
          }
          float scale = (float) (g[c] / Math.sqrt(sq / count + eps));
          for (int n = 0; n < batch; n++) {
            NormRows.affine(xr.seg, xr.plane(n, c, channels, spatial), yr.seg,
                yr.plane(n, c, channels, spatial), spatial, m, scale, b[c]);
          }
          squares[c] = sq;
        }
      });
    } else {
      int width = channels * spatial;
      ColumnSums sums = ColumnSums.of(batch, width);
      Runs xr = new Runs(x);
      float[] pivot = new float[width];
      MemorySegment.copy(xr.seg, ValueLayout.JAVA_FLOAT, xr.off, pivot, 0, width);
      double[] colSum = sums.run((block, r) -> NormRows.addDeviationRow(block, xr.seg,
          xr.row(r, width), width, pivot));
      for (int j = 0; j < width; j++) {
        colSum[j] += (double) pivot[j] * batch;
      }
      foldColumns(colSum, mean, spatial);
      float[] meanChannel = new float[channels];
      for (int c = 0; c < channels; c++) {
        mean[c] /= count;
        meanChannel[c] = (float) mean[c];
      }
      float[] meanCol = expand(meanChannel, spatial);
      double[] colSq = sums.run((block, r) -> NormRows.addSquaredDeviationRow(block, xr.seg,
          xr.row(r, width), width, meanCol));
      foldColumns(colSq, squares, spatial);
      float[] scaleChannel = new float[channels];
      for (int c = 0; c < channels; c++) {
        scaleChannel[c] = (float) (g[c] / Math.sqrt(squares[c] / count + eps));
      }
      float[] scaleCol = expand(scaleChannel, spatial);
      float[] betaCol = expand(b, spatial);
      Runs yr = new Runs(y);
      KernelPool.shared().parallelFor(batch, Math.max(1, GRAIN / width), (from, to) -> {
        for (int r = from; r < to; r++) {
          NormRows.affine(xr.seg, xr.row(r, width), yr.seg, yr.row(r, width), width, meanCol,
              scaleCol, betaCol);
        }
      });
    }
    for (int c = 0; c < channels; c++) {
      double var = squares[c] / count;
      double unbiased = squares[c] / (count - 1);
      setFloat(runningMean, c, (float) ((1.0 - momentum) * getFloat(runningMean, c)
          + momentum * mean[c]));
      setFloat(runningVar, c, (float) ((1.0 - momentum) * getFloat(runningVar, c)
          + momentum * unbiased));
      if (saveMean != null) {
        setFloat(saveMean, c, (float) mean[c]);
      }
      if (saveInvStd != null) {
        setFloat(saveInvStd, c, (float) (1.0 / Math.sqrt(var + eps)));
      }
    }
  }

  @Override
  protected void doBatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
      Tensor runningVar, float eps, Tensor y, int batch, int channels, int spatial) {
    float[] shift = runningMean.toFloatArray();
    float[] scale = runningVar.toFloatArray();
    float[] g = gamma.toFloatArray();
    for (int c = 0; c < channels; c++) {
      scale[c] = (float) (g[c] / Math.sqrt((double) scale[c] + eps));
    }
    float[] b = beta.toFloatArray();
    Runs xr = new Runs(x);
    Runs yr = new Runs(y);
    if (spatial >= PLANE_MIN) {
      KernelPool.shared().parallelFor(batch * channels, Math.max(1, GRAIN / spatial),
          (from, to) -> {
            for (int p = from; p < to; p++) {
              int c = p % channels;
              long off = 4L * p * spatial;
              NormRows.affine(xr.seg, xr.off + off, yr.seg, yr.off + off, spatial, shift[c],
                  scale[c], b[c]);
            }
          });
    } else {
      int width = channels * spatial;
      float[] shiftCol = expand(shift, spatial);
      float[] scaleCol = expand(scale, spatial);
      float[] betaCol = expand(b, spatial);
      KernelPool.shared().parallelFor(batch, Math.max(1, GRAIN / width), (from, to) -> {
        for (int r = from; r < to; r++) {
          NormRows.affine(xr.seg, xr.row(r, width), yr.seg, yr.row(r, width), width, shiftCol,
              scaleCol, betaCol);
        }
      });
    }
  }

  @Override
  protected void doBatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, int batch, int channels,
      int spatial) {
    float[] mean = saveMean.toFloatArray();
    float[] invStd = saveInvStd.toFloatArray();
    float[] g = gamma.toFloatArray();
    double[] sumDy = new double[channels];
    double[] sumDyXc = new double[channels];
    double count = (double) batch * spatial;
    Runs dyr = new Runs(dy);
    Runs xr = new Runs(x);
    Runs dxr = new Runs(dx);
    if (spatial >= PLANE_MIN) {
      int grain = Math.max(1, (int) (GRAIN / count));
      KernelPool.shared().parallelFor(channels, grain, (from, to) -> {
        double[] sums = new double[2];
        for (int c = from; c < to; c++) {
          sums[0] = 0;
          sums[1] = 0;
          for (int n = 0; n < batch; n++) {
            long off = 4L * ((long) n * channels + c) * spatial;
            NormRows.gradientSums(dyr.seg, dyr.off + off, xr.seg, xr.off + off, spatial, mean[c],
                sums);
          }
          float[] k = gradientCoefficients(g[c], invStd[c], sums[0], sums[1], count);
          for (int n = 0; n < batch; n++) {
            long off = 4L * ((long) n * channels + c) * spatial;
            NormRows.gradientAffine(dyr.seg, dyr.off + off, xr.seg, xr.off + off, dxr.seg,
                dxr.off + off, spatial, mean[c], k[0], k[1], k[2]);
          }
          sumDy[c] = sums[0];
          sumDyXc[c] = sums[1];
        }
      });
    } else {
      int width = channels * spatial;
      float[] meanCol = expand(mean, spatial);
      ColumnSums sums = ColumnSums.of(batch, width);
      double[][] totals = sums.runPair((blockDy, blockDyXc, r) -> NormRows.addGradientRow(blockDy,
          blockDyXc, dyr.seg, dyr.row(r, width), xr.seg, xr.row(r, width), width, meanCol));
      foldColumns(totals[0], sumDy, spatial);
      foldColumns(totals[1], sumDyXc, spatial);
      float[] aChannel = new float[channels];
      float[] bChannel = new float[channels];
      float[] cChannel = new float[channels];
      for (int ch = 0; ch < channels; ch++) {
        float[] k = gradientCoefficients(g[ch], invStd[ch], sumDy[ch], sumDyXc[ch], count);
        aChannel[ch] = k[0];
        bChannel[ch] = k[1];
        cChannel[ch] = k[2];
      }
      float[] a = expand(aChannel, spatial);
      float[] b = expand(bChannel, spatial);
      float[] c = expand(cChannel, spatial);
      KernelPool.shared().parallelFor(batch, Math.max(1, GRAIN / width), (from, to) -> {
        for (int r = from; r < to; r++) {
          NormRows.gradientAffine(dyr.seg, dyr.row(r, width), xr.seg, xr.row(r, width), dxr.seg,
              dxr.row(r, width), width, meanCol, a, b, c);
        }
      });
    }
    for (int ch = 0; ch < channels; ch++) {
      if (dgamma != null) {
        setFloat(dgamma, ch, (float) (sumDyXc[ch] * invStd[ch]));
      }
      if (dbeta != null) {
        setFloat(dbeta, ch, (float) sumDy[ch]);
      }
    }
  }

  /**
   * {@code dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))} written as {@code
   * dy * a + (x - mean) * b + c}; returns {@code {a, b, c}}.
   */
  private static float[] gradientCoefficients(float gamma, float invStd, double sumDy,
      double sumDyXc, double count) {
    double a = (double) gamma * invStd;
    double b = -a * invStd * invStd * sumDyXc / count;
    double c = -a * sumDy / count;
    return new float[] {(float) a, (float) b, (float) c};
  }

  @Override
  protected void doLayerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
      Tensor saveMean, Tensor saveRstd, int rows, int width) {
    int grain = Math.max(1, GRAIN / width);
    if (KernelPool.shared().runsInline(rows, grain)) {
      LayerNormRows.rows(x.storage(), x.byteOffset(), gamma.storage(), gamma.byteOffset(),
          beta.storage(), beta.byteOffset(), eps, y.storage(), y.byteOffset(), saveMean, saveRstd,
          width, 0, rows);
    } else {
      KernelPool.shared().parallelFor(rows, grain,
          new LayerNormRows(x, gamma, beta, eps, y, saveMean, saveRstd, width));
    }
  }

  @Override
  protected void doLayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveRstd, Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int width) {
    float[] g = gamma.toFloatArray();
    Runs dyr = new Runs(dy);
    Runs xr = new Runs(x);
    Runs dxr = new Runs(dx);
    ColumnSums sums = ColumnSums.of(rows, width);
    double[][] rowSums = new double[sums.slices][2];
    double[][] totals = sums.runPairWithSlice((blockDg, blockDb, r, slice) -> {
      float mean = getFloat(saveMean, r);
      float rstd = getFloat(saveRstd, r);
      long dyo = dyr.row(r, width);
      long xo = xr.row(r, width);
      double[] s = rowSums[slice];
      NormRows.layerNormRowSums(dyr.seg, dyo, xr.seg, xo, width, mean, rstd, g, blockDg, blockDb,
          s);
      NormRows.layerNormRowGradient(dyr.seg, dyo, xr.seg, xo, dxr.seg, dxr.row(r, width), width,
          mean, rstd, g, (float) (s[0] / width), (float) (s[1] / width));
    });
    writeOptional(dgamma, totals[0]);
    writeOptional(dbeta, totals[1]);
  }

  @Override
  protected void doRmsNormForward(Tensor x, Tensor gamma, float eps, Tensor y, Tensor saveRrms,
      int rows, int width) {
    int grain = Math.max(1, GRAIN / width);
    if (KernelPool.shared().runsInline(rows, grain)) {
      RmsNormRows.rows(x.storage(), x.byteOffset(), gamma.storage(), gamma.byteOffset(), eps,
          y.storage(), y.byteOffset(), saveRrms, width, 0, rows);
    } else {
      KernelPool.shared().parallelFor(rows, grain,
          new RmsNormRows(x, gamma, eps, y, saveRrms, width));
    }
  }

  @Override
  protected void doRmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveRrms, Tensor dx,
      Tensor dgamma, int rows, int width) {
    float[] g = gamma.toFloatArray();
    Runs dyr = new Runs(dy);
    Runs xr = new Runs(x);
    Runs dxr = new Runs(dx);
    ColumnSums sums = ColumnSums.of(rows, width);
    double[][] totals = sums.runPairWithSlice((blockDg, unused, r, slice) -> {
      float rrms = getFloat(saveRrms, r);
      long dyo = dyr.row(r, width);
      long xo = xr.row(r, width);
      float sumGXhat = NormRows.rmsNormRowSum(dyr.seg, dyo, xr.seg, xo, width, rrms, g, blockDg);
      NormRows.rmsNormRowGradient(dyr.seg, dyo, xr.seg, xo, dxr.seg, dxr.row(r, width), width,
          rrms, g, sumGXhat / width);
    });
    writeOptional(dgamma, totals[0]);
  }

  /** {@code out[c] += sum of columns[c * spatial .. (c + 1) * spatial)}. */
  private static void foldColumns(double[] columns, double[] out, int spatial) {
    for (int j = 0; j < columns.length; j++) {
      out[j / spatial] += columns[j];
    }
  }

  /** Each per-channel value repeated {@code spatial} times: the per-column view of a row. */
  private static float[] expand(float[] perChannel, int spatial) {
    float[] out = new float[perChannel.length * spatial];
    for (int j = 0; j < out.length; j++) {
      out[j] = perChannel[j / spatial];
    }
    return out;
  }

  private static float getFloat(Tensor t, int i) {
    return t.storage().get(ValueLayout.JAVA_FLOAT, t.byteOffset() + 4L * i);
  }

  private static void setFloat(Tensor t, int i, float v) {
    t.storage().set(ValueLayout.JAVA_FLOAT, t.byteOffset() + 4L * i, v);
  }

  private static void writeOptional(Tensor t, double[] values) {
    if (t != null) {
      for (int i = 0; i < values.length; i++) {
        setFloat(t, i, (float) values[i]);
      }
    }
  }

  /** A contiguous tensor's storage and the byte offset of its first element. */
  private record Runs(MemorySegment seg, long off) {
    Runs(Tensor t) {
      this(t.storage(), t.byteOffset());
    }

    long row(int r, int width) {
      return off + 4L * r * width;
    }

    long plane(int n, int c, int channels, int spatial) {
      return off + 4L * ((long) n * channels + c) * spatial;
    }
  }
}
