package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Layer norm forward over a range of rows of contiguous tensors: mean (as deviations from the
 * row's first value), variance (from the same pass for rows of up to 4096 unless that loses
 * precision, else from a second pass), then the normalised row. One object per call holds what
 * every row needs when the rows are split over the pool; a small input runs {@link #rows} on the
 * caller and allocates nothing.
 */
final class LayerNormRows implements KernelPool.RangeBody {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
  /**
   * Rows up to this long (one of {@link NormRows}' float blocks) take the variance from the same
   * pass as the mean. A short row is one chain of dependent steps (sum, lane fold, mean, second
   * sum, lane fold, square root, division, normalise), and the second pass with its lane fold was
   * about a seventh of a 64-element call (83 -> 72 ns CPU time). A long row saves a pass over its
   * elements: 4096-element rows in L2, one thread, 36 -> 46 GB/s.
   */
  private static final int ONE_PASS_ROW = NormRows.BLOCK;
  /**
   * The one-pass variance {@code mean(d^2) - mean(d)^2} (d = x - pivot) is kept when {@code
   * mean(d)^2} is at most this fraction of {@code mean(d^2)}: the subtraction then loses at most
   * three bits (the variance is at least 1/8 of {@code mean(d^2)}), about 1e-6 relative, well
   * inside the kernel's tolerance. Otherwise (the pivot far from the mean, about one row in a
   * hundred of Gaussian data), or when the squares overflow where the deviations from the mean
   * would not, the row takes the two-pass variance, as rows longer than 4096 always do.
   */
  private static final float CANCELLATION = 7f / 8f;

  private final MemorySegment x;
  private final long xo;
  private final MemorySegment gamma;
  private final long go;
  private final MemorySegment beta;
  private final long bo;
  private final float eps;
  private final MemorySegment y;
  private final long yo;
  private final Tensor saveMean;
  private final Tensor saveRstd;
  private final int width;

  LayerNormRows(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor saveMean,
      Tensor saveRstd, int width) {
    this.x = x.storage();
    this.xo = x.byteOffset();
    this.gamma = gamma.storage();
    this.go = gamma.byteOffset();
    this.beta = beta.storage();
    this.bo = beta.byteOffset();
    this.eps = eps;
    this.y = y.storage();
    this.yo = y.byteOffset();
    this.saveMean = saveMean;
    this.saveRstd = saveRstd;
    this.width = width;
  }

  @Override
  public void run(int from, int to) {
    rows(x, xo, gamma, go, beta, bo, eps, y, yo, saveMean, saveRstd, width, from, to);
  }

  /**
   * Rows [from, to): what {@link #run} does, callable without an instance so that a small input
   * run on the caller allocates nothing.
   *
   * <p>Everything between the passes is on the critical path of a short row, so it stays in
   * float: a multiply by {@code 1 / width} rather than two divisions, and a float square root and
   * division for {@code rstd} rather than double ones (each at most an ulp from the double
   * result). On a 64-element row that took about 10 ns off about 100.
   */
  static void rows(MemorySegment x, long xo, MemorySegment gamma, long go, MemorySegment beta,
      long bo, float eps, MemorySegment y, long yo, Tensor saveMean, Tensor saveRstd, int width,
      int from, int to) {
    float perElement = 1f / width;
    for (int r = from; r < to; r++) {
      long xr = xo + 4L * r * width;
      float pivot = x.get(F, xr);
      float mean;
      float var;
      if (width <= ONE_PASS_ROW) {
        long sums = NormRows.sumAndSquaresShifted(x, xr, width, pivot);
        float offset = SoftmaxRows.high(sums) * perElement;
        float square = SoftmaxRows.low(sums) * perElement;
        mean = pivot + offset;
        var = square - offset * offset;
        if (!(offset * offset <= CANCELLATION * square) || square == Float.POSITIVE_INFINITY) {
          var = NormRows.sumSquaredDeviation(x, xr, width, mean) * perElement;
        }
      } else {
        mean = pivot + NormRows.sumShifted(x, xr, width, pivot) * perElement;
        var = NormRows.sumSquaredDeviation(x, xr, width, mean) * perElement;
      }
      float rstd = 1f / (float) Math.sqrt(var + eps);
      NormRows.normalize(x, xr, y, yo + 4L * r * width, width, mean, rstd, gamma, go, beta, bo);
      if (saveMean != null) {
        saveMean.storage().set(F, saveMean.byteOffset() + 4L * r, mean);
      }
      if (saveRstd != null) {
        saveRstd.storage().set(F, saveRstd.byteOffset() + 4L * r, rstd);
      }
    }
  }
}
