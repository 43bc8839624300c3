package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.LOSS;
import static dev.harmonics.backend.cuda.KernelModule.REDUCE;

import dev.harmonics.kernel.LossKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Loss kernels on a CUDA device ({@code loss.cu}, {@code reduce.cu}). Per-row or per-block partial
 * sums are combined on the device in a fixed order; only the total (8 bytes) comes back.
 */
final class CudaLoss extends LossKernels {

  private final CallFactory calls;

  CudaLoss(CallFactory calls) {
    this.calls = calls;
  }

  private static int blocks(long work) {
    return (int) Math.clamp(work, 1, CudaDevice.MAX_BLOCKS);
  }

  /** Sums {@code count} doubles at {@code partials} on the device and reads the total back. */
  static double total(DeviceCall call, long partials, int count) {
    long sum = call.scratch(Double.BYTES);
    call.launchBlocks(REDUCE, "hx_sum_doubles", 1, partials, count, sum);
    return call.readDoubles(sum, 1)[0];
  }

  @Override
  protected float doSoftmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex,
      float labelSmoothing, Tensor dlogits, int rows, int classes, int counted) {
    try (DeviceCall call = calls.open()) {
      long z = call.in(logits);
      long y = call.in(labels);
      long dz = call.outOrNull(dlogits);
      long rowLoss = call.scratch((long) rows * Double.BYTES);
      call.launchBlocks(LOSS, "hx_cross_entropy_labels", blocks(rows), z, y, dz, rowLoss, rows,
          classes, ignoreIndex, labelSmoothing, counted);
      return (float) (total(call, rowLoss, rows) / counted);
    }
  }

  @Override
  protected float doSoftmaxCrossEntropyWithProbabilities(Tensor logits, Tensor targets,
      float labelSmoothing, Tensor dlogits, int rows, int classes) {
    try (DeviceCall call = calls.open()) {
      long z = call.in(logits);
      long t = call.in(targets);
      long dz = call.outOrNull(dlogits);
      long rowLoss = call.scratch((long) rows * Double.BYTES);
      call.launchBlocks(LOSS, "hx_cross_entropy_probabilities", blocks(rows), z, t, dz, rowLoss,
          rows, classes, labelSmoothing);
      return (float) (total(call, rowLoss, rows) / rows);
    }
  }

  @Override
  protected float doMse(Tensor prediction, Tensor target, int size) {
    int partialCount = blocks((size + CudaDevice.THREADS_PER_BLOCK - 1L)
        / CudaDevice.THREADS_PER_BLOCK);
    try (DeviceCall call = calls.open()) {
      long p = call.in(prediction);
      long t = call.in(target);
      long partials = call.scratch((long) partialCount * Double.BYTES);
      call.launchBlocks(REDUCE, "hx_sum_squared_differences", partialCount, p, t, (long) size,
          partials);
      return (float) (total(call, partials, partialCount) / size);
    }
  }

  @Override
  protected void doMseBackward(Tensor prediction, Tensor target, Tensor dprediction, int size) {
    try (DeviceCall call = calls.open()) {
      long p = call.in(prediction);
      long t = call.in(target);
      long dp = call.out(dprediction);
      call.launch(LOSS, "hx_mse_backward", size, p, t, dp, (long) size);
    }
  }
}
