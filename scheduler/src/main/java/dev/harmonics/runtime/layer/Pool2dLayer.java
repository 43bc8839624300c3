package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;

/**
 * Max or average pooling over {@code [channels, height, width]} samples. Max pooling records each
 * window's argmax in training passes so backward routes the gradient without searching again.
 */
public final class Pool2dLayer extends AbstractLayer {

  private final boolean max;
  private final Pool2dParams params;
  private final BatchBuffer output;
  private final BatchBuffer argmax;
  private final BatchBuffer inputGrad;
  private Tensor lastInput;

  /**
   * A pooling layer.
   *
   * @param max max pooling, or average pooling when false
   * @param params window geometry and, for averages, the divisor rule
   */
  public Pool2dLayer(String name, KernelProvider kernels, int[] inputShape, boolean max,
      Pool2dParams params) {
    super(name, kernels, inputShape, new int[] {inputShape[0], params.outputHeight(inputShape[1]),
        params.outputWidth(inputShape[2])});
    this.max = max;
    this.params = params;
    this.output = buffer(outputShape);
    this.argmax = max ? buffer(DType.INT32, outputShape) : null;
    this.inputGrad = buffer(inputShape);
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    Tensor y = output.get(n);
    if (max) {
      kernels.pool().maxPool2dForward(x, params, y, pass.training() ? argmax.get(n) : null);
    } else {
      kernels.pool().avgPool2dForward(x, params, y);
    }
    lastInput = pass.training() ? x : null;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    requireTrainingInput(lastInput, name);
    if (!inputGradient) {
      return null;
    }
    int n = lastInput.dim(0);
    Tensor dx = inputGrad.get(n);
    if (max) {
      kernels.pool().maxPool2dBackward(dy, argmax.get(n), dx);
    } else {
      kernels.pool().avgPool2dBackward(dy, params, dx);
    }
    return dx;
  }

}
