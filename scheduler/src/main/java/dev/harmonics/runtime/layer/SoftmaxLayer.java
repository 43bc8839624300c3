package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/** Softmax or log-softmax along the last dimension of each sample. */
public final class SoftmaxLayer extends AbstractLayer {

  private final boolean log;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private Tensor lastOutput;

  /** @param log log-softmax instead of softmax */
  public SoftmaxLayer(String name, KernelProvider kernels, int[] shape, boolean log) {
    super(name, kernels, shape, shape);
    this.log = log;
    this.output = buffer(shape);
    this.inputGrad = buffer(shape);
  }

  /** Whether this is log-softmax. */
  public boolean log() {
    return log;
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    Tensor y = output.get(batchOf(x));
    if (log) {
      kernels.softmax().logSoftmax(x, -1, y);
    } else {
      kernels.softmax().softmax(x, -1, y);
    }
    lastOutput = pass.training() ? y : null;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    requireTrainingInput(lastOutput, name);
    if (!inputGradient) {
      return null;
    }
    Tensor dx = inputGrad.get(dy.dim(0));
    if (log) {
      kernels.softmax().logSoftmaxBackward(lastOutput, dy, -1, dx);
    } else {
      kernels.softmax().softmaxBackward(lastOutput, dy, -1, dx);
    }
    return dx;
  }
}
