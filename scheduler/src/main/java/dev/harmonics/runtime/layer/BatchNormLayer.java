package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;
import java.util.List;

/**
 * Batch normalisation per channel, the first sample dimension ({@code [features]} or
 * {@code [channels, height, width]}). Training passes normalise with the batch's statistics and
 * update the running ones; evaluation passes use the running statistics.
 */
public final class BatchNormLayer extends AbstractLayer {

  private final float eps;
  private final float momentum;
  private final Parameter gamma;
  private final Parameter beta;
  private final GradientSink gammaSink;
  private final GradientSink betaSink;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private final Tensor saveMean;
  private final Tensor saveInvStd;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private Tensor lastInput;

  /**
   * @param eps added to the variance
   * @param momentum weight of each batch in the running statistics
   */
  public BatchNormLayer(String name, KernelProvider kernels, int[] inputShape, float eps,
      float momentum) {
    super(name, kernels, inputShape, inputShape);
    this.eps = eps;
    this.momentum = momentum;
    int channels = inputShape[0];
    this.gamma = parameter("gamma", false, channels);
    this.beta = parameter("beta", false, channels);
    this.gammaSink = sink(gamma);
    this.betaSink = sink(beta);
    this.runningMean = fixed(channels);
    this.runningVar = fixed(channels);
    this.saveMean = fixed(channels);
    this.saveInvStd = fixed(channels);
    this.output = buffer(inputShape);
    this.inputGrad = buffer(inputShape);
  }

  @Override
  public List<Tensor> stateTensors() {
    return List.of(runningMean, runningVar);
  }

  @Override
  public void initialise(SeededRandom random) {
    gamma.value().fill(1f);
    beta.value().fill(0f);
    runningMean.fill(0f);
    runningVar.fill(1f);
    gamma.markChanged();
    beta.markChanged();
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    Tensor y = output.get(n);
    if (pass.training()) {
      kernels.norm().batchNormTrainingForward(x, gamma.value(), beta.value(), runningMean,
          runningVar, momentum, eps, y, saveMean, saveInvStd);
      lastInput = x;
    } else {
      kernels.norm().batchNormInference(x, gamma.value(), beta.value(), runningMean, runningVar,
          eps, y);
      lastInput = null;
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    requireTrainingInput(lastInput, name);
    Tensor dx = inputGrad.get(lastInput.dim(0));
    kernels.norm().batchNormBackward(dy, lastInput, gamma.value(), saveMean, saveInvStd, dx,
        gammaSink.target(accumulate), betaSink.target(accumulate));
    gammaSink.finish(kernels, accumulate);
    betaSink.finish(kernels, accumulate);
    return inputGradient ? dx : null;
  }

}
