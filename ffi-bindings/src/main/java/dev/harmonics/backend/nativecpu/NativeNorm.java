package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.NormKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** Layer norm forward in C, rows split over the pool; the other norm kernels in Java. */
final class NativeNorm extends NormKernels {

  private final NativeKernels nk;
  private final KernelProvider java;
  private final SmallCalls small;

  NativeNorm(NativeKernels nk, KernelProvider java, SmallCalls small) {
    this.nk = nk;
    this.java = java;
    this.small = small;
  }

  @Override
  protected void doLayerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
      Tensor saveMean, Tensor saveRstd, int rows, int width) {
    if (small.inJava(SmallCalls.Kernel.LAYER_NORM, x.size())) {
      layerNormForwardUnchecked(java.norm(), x, gamma, beta, eps, y, saveMean, saveRstd, rows,
          width);
      return;
    }
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    MemorySegment gs = gamma.data();
    MemorySegment bs = beta.data();
    MemorySegment means = saveMean == null ? MemorySegment.NULL : saveMean.data();
    MemorySegment rstds = saveRstd == null ? MemorySegment.NULL : saveRstd.data();
    long rowBlock = Math.max(1, (1 << 14) / width);
    Chunks.split(rows, rowBlock, (long) rows * width,
        Chunks.shareable(xs, ys, gs, bs, means, rstds), (r0, r1) -> nk.layerNormForward(
            r1 - r0, width, xs.asSlice(4 * r0 * width), gs, bs, eps, ys.asSlice(4 * r0 * width),
            slice(means, r0), slice(rstds, r0)));
  }

  private static MemorySegment slice(MemorySegment perRow, long row) {
    return perRow.equals(MemorySegment.NULL) ? perRow : perRow.asSlice(4 * row);
  }

  @Override
  protected void doLayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveRstd, Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int width) {
    java.norm().layerNormBackward(dy, x, gamma, saveMean, saveRstd, dx, dgamma, dbeta);
  }

  @Override
  protected void doBatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
      Tensor saveInvStd, int batch, int channels, int spatial) {
    batchNormTrainingForwardUnchecked(java.norm(), x, gamma, beta, runningMean, runningVar,
        momentum, eps, y, saveMean, saveInvStd, batch, channels, spatial);
  }

  @Override
  protected void doBatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
      Tensor runningVar, float eps, Tensor y, int batch, int channels, int spatial) {
    java.norm().batchNormInference(x, gamma, beta, runningMean, runningVar, eps, y);
  }

  @Override
  protected void doBatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, int batch, int channels,
      int spatial) {
    java.norm().batchNormBackward(dy, x, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
  }

  @Override
  protected void doRmsNormForward(Tensor x, Tensor gamma, float eps, Tensor y, Tensor saveRrms,
      int rows, int width) {
    rmsNormForwardUnchecked(java.norm(), x, gamma, eps, y, saveRrms, rows, width);
  }

  @Override
  protected void doRmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveRrms, Tensor dx,
      Tensor dgamma, int rows, int width) {
    java.norm().rmsNormBackward(dy, x, gamma, saveRrms, dx, dgamma);
  }
}
