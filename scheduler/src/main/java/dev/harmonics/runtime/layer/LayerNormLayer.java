package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/** Layer normalisation over the last dimension, with a learned scale and shift of that size. */
public final class LayerNormLayer extends AbstractLayer {

  private final float eps;
  private final int width;
  private final Parameter gamma;
  private final Parameter beta;
  private final GradientSink gammaSink;
  private final GradientSink betaSink;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private final BatchBuffer saveMean;
  private final BatchBuffer saveRstd;
  private Tensor lastInput;

  /** @param eps added to the variance */
  public LayerNormLayer(String name, KernelProvider kernels, int[] inputShape, float eps) {
    super(name, kernels, inputShape, inputShape);
    this.eps = eps;
    this.width = inputShape[inputShape.length - 1];
    this.gamma = parameter("gamma", false, width);
    this.beta = parameter("beta", false, width);
    this.gammaSink = sink(gamma);
    this.betaSink = sink(beta);
    this.output = buffer(inputShape);
    this.inputGrad = buffer(inputShape);
    int rowsPerSample = product(inputShape) / width;
    this.saveMean = buffer(rowsPerSample);
    this.saveRstd = buffer(rowsPerSample);
  }

  @Override
  public void initialise(SeededRandom random) {
    gamma.value().fill(1f);
    beta.value().fill(0f);
    gamma.markChanged();
    beta.markChanged();
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    Tensor y = output.get(n);
    if (pass.training()) {
      kernels.norm().layerNormForward(x, gamma.value(), beta.value(), eps, y,
          saveMean.get(n).reshape(-1), saveRstd.get(n).reshape(-1));
      lastInput = x;
    } else {
      kernels.norm().layerNormForward(x, gamma.value(), beta.value(), eps, y, null, null);
      lastInput = null;
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    requireTrainingInput(lastInput, name);
    int n = lastInput.dim(0);
    Tensor dx = inputGrad.get(n);
    kernels.norm().layerNormBackward(dy, lastInput, gamma.value(), saveMean.get(n).reshape(-1),
        saveRstd.get(n).reshape(-1), dx, gammaSink.target(accumulate),
        betaSink.target(accumulate));
    gammaSink.finish(kernels, accumulate);
    betaSink.finish(kernels, accumulate);
    return inputGradient ? dx : null;
  }

}
