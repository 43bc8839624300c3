package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.kernel.NormKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Batch, layer and RMS norm on an OpenCL device ({@code reduce.cl}): one work-item per channel or
 * row computes its statistics and output in double where the device has it. Parameter gradients
 * of layer and RMS norm are column sums, computed before the rows' input gradients because those
 * may overwrite {@code dy}.
 */
final class OpenClNorm extends NormKernels {

  private final OpenClDevice device;

  OpenClNorm(OpenClDevice device) {
    this.device = device;
  }

  /** An optional output's buffer, or a placeholder the kernel never touches. */
  private static ClBuffer optionalOut(DeviceCall call, Tensor t) {
    return t != null ? call.out(t) : call.scratch(4);
  }

  private static int flags(Tensor first, Tensor second) {
    return (first != null ? 1 : 0) | (second != null ? 2 : 0);
  }

  @Override
  protected void doBatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
      Tensor saveInvStd, int batch, int channels, int spatial) {
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "batch_norm_train"),
        new long[] {channels}, null, call.in(x), call.in(gamma), call.in(beta),
        call.inOut(runningMean), call.inOut(runningVar), momentum, eps, call.out(y),
        flags(saveMean, saveInvStd), optionalOut(call, saveMean), optionalOut(call, saveInvStd),
        batch, channels, spatial));
  }

  @Override
  protected void doBatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
      Tensor runningVar, float eps, Tensor y, int batch, int channels, int spatial) {
    long n = (long) batch * channels * spatial;
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "batch_norm_inference"),
        new long[] {n}, null, call.in(x), call.in(gamma), call.in(beta), call.in(runningMean),
        call.in(runningVar), eps, call.out(y), channels, spatial, n));
  }

  @Override
  protected void doBatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, int batch, int channels,
      int spatial) {
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "batch_norm_backward"),
        new long[] {channels}, null, call.in(dy), call.in(x), call.in(gamma), call.in(saveMean),
        call.in(saveInvStd), call.out(dx), flags(dgamma, dbeta), optionalOut(call, dgamma),
        optionalOut(call, dbeta), batch, channels, spatial));
  }

  @Override
  protected void doLayerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
      Tensor saveMean, Tensor saveRstd, int rows, int width) {
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "layer_norm_forward"),
        new long[] {rows}, null, call.in(x), call.in(gamma), call.in(beta), eps, call.out(y),
        flags(saveMean, saveRstd), optionalOut(call, saveMean), optionalOut(call, saveRstd), rows,
        width));
  }

  @Override
  protected void doLayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveRstd, Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int width) {
    device.execute(call -> {
      if (dgamma != null || dbeta != null) {
        call.run(call.kernel(Program.REDUCE, "layer_norm_backward_columns"), new long[] {width},
            null, call.in(dy), call.in(x), call.in(saveMean), call.in(saveRstd),
            flags(dgamma, dbeta), optionalOut(call, dgamma), optionalOut(call, dbeta), rows,
            width);
      }
      call.run(call.kernel(Program.REDUCE, "layer_norm_backward_rows"), new long[] {rows}, null,
          call.in(dy), call.in(x), call.in(gamma), call.in(saveMean), call.in(saveRstd),
          call.out(dx), rows, width);
    });
  }

  @Override
  protected void doRmsNormForward(Tensor x, Tensor gamma, float eps, Tensor y, Tensor saveRrms,
      int rows, int width) {
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "rms_norm_forward"),
        new long[] {rows}, null, call.in(x), call.in(gamma), eps, call.out(y),
        saveRrms != null ? 1 : 0, optionalOut(call, saveRrms), rows, width));
  }

  @Override
  protected void doRmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveRrms,
      Tensor dx, Tensor dgamma, int rows, int width) {
    device.execute(call -> {
      if (dgamma != null) {
        call.run(call.kernel(Program.REDUCE, "rms_norm_backward_columns"), new long[] {width},
            null, call.in(dy), call.in(x), call.in(saveRrms), call.out(dgamma), rows, width);
      }
      call.run(call.kernel(Program.REDUCE, "rms_norm_backward_rows"), new long[] {rows}, null,
          call.in(dy), call.in(x), call.in(gamma), call.in(saveRrms), call.out(dx), rows, width);
    });
  }
}
