package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * RMS norm forward over a range of rows of contiguous tensors. Like {@link LayerNormRows}: an
 * object for the pool, {@link #rows} directly on the small-input path.
 */
final class RmsNormRows implements KernelPool.RangeBody {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  private final MemorySegment x;
  private final long xo;
  private final MemorySegment gamma;
  private final long go;
  private final float eps;
  private final MemorySegment y;
  private final long yo;
  private final Tensor saveRrms;
  private final int width;

  RmsNormRows(Tensor x, Tensor gamma, float eps, Tensor y, Tensor saveRrms, int width) {
    this.x = x.storage();
    this.xo = x.byteOffset();
    this.gamma = gamma.storage();
    this.go = gamma.byteOffset();
    this.eps = eps;
    this.y = y.storage();
    this.yo = y.byteOffset();
    this.saveRrms = saveRrms;
    this.width = width;
  }

  @Override
  public void run(int from, int to) {
    rows(x, xo, gamma, go, eps, y, yo, saveRrms, width, from, to);
  }

  /** Rows [from, to) without an instance: the allocation-free small-input path. */
  static void rows(MemorySegment x, long xo, MemorySegment gamma, long go, float eps,
      MemorySegment y, long yo, Tensor saveRrms, int width, int from, int to) {
    for (int r = from; r < to; r++) {
      long xr = xo + 4L * r * width;
      float meanSquare = NormRows.sumSquares(x, xr, width) / width;
      float rrms = (float) (1.0 / Math.sqrt((double) meanSquare + eps));
      NormRows.scale(x, xr, y, yo + 4L * r * width, width, rrms, gamma, go);
      if (saveRrms != null) {
        saveRrms.storage().set(F, saveRrms.byteOffset() + 4L * r, rrms);
      }
    }
  }
}
