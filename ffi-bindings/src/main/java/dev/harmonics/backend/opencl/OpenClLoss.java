package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.kernel.LossKernels;
import dev.harmonics.tensor.Tensor;

/**
 * Losses on an OpenCL device: one work-item per row writes the row's loss and gradient; the row
 * losses are summed on the device and only the mean loss is read back.
 */
final class OpenClLoss extends LossKernels {

  private final OpenClDevice device;

  OpenClLoss(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected float doSoftmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex,
      float labelSmoothing, Tensor dlogits, int rows, int classes, int counted) {
    double[] total = new double[1];
    device.execute(call -> {
      ClBuffer rowLoss = call.scratch((long) rows * call.realBytes());
      ClBuffer grad = dlogits != null ? call.out(dlogits) : call.scratch(4);
      call.run(call.kernel(Program.REDUCE, "cross_entropy_labels"), new long[] {rows}, null,
          call.in(logits), call.in(labels), ignoreIndex, labelSmoothing, rows, classes, counted,
          dlogits != null ? 1 : 0, grad, rowLoss);
      total[0] = DeviceSums.sum(call, rowLoss, rows);
    });
    return (float) (total[0] / counted);
  }

  @Override
  protected float doSoftmaxCrossEntropyWithProbabilities(Tensor logits, Tensor targets,
      float labelSmoothing, Tensor dlogits, int rows, int classes) {
    double[] total = new double[1];
    device.execute(call -> {
      ClBuffer rowLoss = call.scratch((long) rows * call.realBytes());
      ClBuffer grad = dlogits != null ? call.out(dlogits) : call.scratch(4);
      call.run(call.kernel(Program.REDUCE, "cross_entropy_probabilities"), new long[] {rows},
          null, call.in(logits), call.in(targets), labelSmoothing, rows, classes,
          dlogits != null ? 1 : 0, grad, rowLoss);
      total[0] = DeviceSums.sum(call, rowLoss, rows);
    });
    return (float) (total[0] / rows);
  }

  @Override
  protected float doMse(Tensor prediction, Tensor target, int size) {
    double[] total = new double[1];
    device.execute(call ->
        total[0] = DeviceSums.squares(call, call.in(prediction), call.in(target), size));
    return (float) (total[0] / size);
  }

  @Override
  protected void doMseBackward(Tensor prediction, Tensor target, Tensor dprediction, int size) {
    device.execute(call -> call.run(call.kernel(Program.REDUCE, "mse_backward"),
        new long[] {size}, null, call.in(prediction), call.in(target), call.out(dprediction),
        (long) size));
  }
}
