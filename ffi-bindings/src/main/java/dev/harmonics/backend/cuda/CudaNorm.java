package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.NORM;

import dev.harmonics.kernel.NormKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Batch, layer and RMS normalisation on a CUDA device ({@code norm.cu}). Backward passes compute
 * the parameter gradients (which read dy and x) before dx, which may be dy itself.
 */
final class CudaNorm extends NormKernels {

  private final CallFactory calls;

  CudaNorm(CallFactory calls) {
    this.calls = calls;
  }

  private static int blocks(long work) {
    return (int) Math.clamp(work, 1, CudaDevice.MAX_BLOCKS);
  }

  @Override
  protected void doBatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
      Tensor saveInvStd, int batch, int channels, int spatial) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long g = call.in(gamma);
      long b = call.in(beta);
      long rm = call.inOut(runningMean);
      long rv = call.inOut(runningVar);
      long ys = call.out(y);
      long sm = call.outOrNull(saveMean);
      long si = call.outOrNull(saveInvStd);
      call.launchBlocks(NORM, "hx_batch_norm_train", channels, xs, g, b, rm, rv, momentum, eps,
          ys, sm, si, batch, channels, (long) spatial);
    }
  }

  @Override
  protected void doBatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
      Tensor runningVar, float eps, Tensor y, int batch, int channels, int spatial) {
    long n = (long) batch * channels * spatial;
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long g = call.in(gamma);
      long b = call.in(beta);
      long rm = call.in(runningMean);
      long rv = call.in(runningVar);
      long ys = call.out(y);
      call.launch(NORM, "hx_batch_norm_inference", n, xs, g, b, rm, rv, eps, ys, n, channels,
          (long) spatial);
    }
  }

  @Override
  protected void doBatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, int batch, int channels,
      int spatial) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long xs = call.in(x);
      long g = call.in(gamma);
      long sm = call.in(saveMean);
      long si = call.in(saveInvStd);
      long dxs = call.out(dx);
      long dg = call.outOrNull(dgamma);
      long db = call.outOrNull(dbeta);
      call.launchBlocks(NORM, "hx_batch_norm_backward", channels, dys, xs, g, sm, si, dxs, dg, db,
          batch, channels, (long) spatial);
    }
  }

  @Override
  protected void doLayerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
      Tensor saveMean, Tensor saveRstd, int rows, int width) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long g = call.in(gamma);
      long b = call.in(beta);
      long ys = call.out(y);
      long sm = call.outOrNull(saveMean);
      long sr = call.outOrNull(saveRstd);
      call.launchBlocks(NORM, "hx_layer_norm_forward", blocks(rows), xs, g, b, eps, ys, sm, sr,
          rows, width);
    }
  }

  @Override
  protected void doLayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveRstd, Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int width) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long xs = call.in(x);
      long g = call.in(gamma);
      long sm = call.in(saveMean);
      long sr = call.in(saveRstd);
      long dg = call.outOrNull(dgamma);
      long db = call.outOrNull(dbeta);
      if (dgamma != null || dbeta != null) {
        call.launch(NORM, "hx_norm_param_grads", width, dys, xs, sm, sr, dg, db, rows, width);
      }
      call.launchBlocks(NORM, "hx_layer_norm_backward_input", blocks(rows), dys, xs, g, sm, sr,
          call.out(dx), rows, width);
    }
  }

  @Override
  protected void doRmsNormForward(Tensor x, Tensor gamma, float eps, Tensor y, Tensor saveRrms,
      int rows, int width) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long g = call.in(gamma);
      long ys = call.out(y);
      long sr = call.outOrNull(saveRrms);
      call.launchBlocks(NORM, "hx_rms_norm_forward", blocks(rows), xs, g, eps, ys, sr, rows,
          width);
    }
  }

  @Override
  protected void doRmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveRrms, Tensor dx,
      Tensor dgamma, int rows, int width) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long xs = call.in(x);
      long g = call.in(gamma);
      long sr = call.in(saveRrms);
      if (dgamma != null) {
        call.launch(NORM, "hx_norm_param_grads", width, dys, xs, 0L, sr, call.out(dgamma), 0L,
            rows, width);
      }
      call.launchBlocks(NORM, "hx_rms_norm_backward_input", blocks(rows), dys, xs, g, sr,
          call.out(dx), rows, width);
    }
  }
}
