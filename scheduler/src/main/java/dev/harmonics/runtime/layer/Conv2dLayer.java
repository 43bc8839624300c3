package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/**
 * A two-dimensional convolution over {@code [channels, height, width]} samples with weights
 * {@code [out, channels / groups, k, k]} and an optional bias per output channel. At fewer than 32
 * bits, evaluation passes use weights snapped to that grid (there is no integer convolution
 * kernel, so the arithmetic stays float32 on quantised weights).
 */
public final class Conv2dLayer extends AbstractLayer implements PrecisionAware {

  private final Conv2dParams params;
  private final WeightInit init;
  private final Parameter weight;
  private final Parameter bias;
  private final GradientSink weightSink;
  private final GradientSink biasSink;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private Tensor lastInput;
  private int bits = FULL;
  private QuantizedWeights quantized;

  /**
   * A convolution of {@code inputShape = [channels, height, width]}.
   *
   * @param outChannels output channels
   * @param kernel square kernel size
   * @param params stride, padding, dilation, groups
   * @param withBias whether a bias is added per output channel
   */
  public Conv2dLayer(String name, KernelProvider kernels, int[] inputShape, int outChannels,
      int kernel, Conv2dParams params, boolean withBias, WeightInit init) {
    super(name, kernels, inputShape, new int[] {outChannels,
        params.outputHeight(inputShape[1], kernel), params.outputWidth(inputShape[2], kernel)});
    this.params = params;
    this.init = init;
    this.weight = parameter("weight", true, outChannels, inputShape[0] / params.groups(), kernel,
        kernel);
    this.bias = withBias ? parameter("bias", false, outChannels) : null;
    this.weightSink = sink(weight);
    this.biasSink = bias == null ? null : sink(bias);
    this.output = buffer(outputShape);
    this.inputGrad = buffer(inputShape);
  }

  @Override
  public void initialise(SeededRandom random) {
    int[] w = weight.value().shape();
    int receptive = w[2] * w[3];
    init.fill(weight.value(), w[1] * receptive, w[0] * receptive, random);
    weight.markChanged();
    if (bias != null) {
      bias.value().fill(0f);
      bias.markChanged();
    }
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    Tensor y = output.get(n);
    Tensor w = !pass.training() && bits < FULL ? quantized.values() : weight.value();
    kernels.conv().conv2dForward(x, w, bias == null ? null : bias.value(), params, y);
    lastInput = pass.training() ? x : null;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    requireTrainingInput(lastInput, name);
    kernels.conv().conv2dBackwardWeight(lastInput, dy, params, weightSink.target(accumulate),
        biasSink == null ? null : biasSink.target(accumulate));
    weightSink.finish(kernels, accumulate);
    if (biasSink != null) {
      biasSink.finish(kernels, accumulate);
    }
    if (!inputGradient) {
      return null;
    }
    Tensor dx = inputGrad.get(lastInput.dim(0));
    kernels.conv().conv2dBackwardInput(dy, weight.value(), params, dx);
    return dx;
  }

  @Override
  public void setPrecisionBits(int newBits) {
    PrecisionAware.checkBits(name, newBits);
    if (quantized != null) {
      quantized.close();
      quantized = null;
    }
    bits = newBits;
    if (bits < FULL) {
      quantized = new QuantizedWeights(weight, kernels, bits);
    }
  }

  @Override
  public int precisionBits() {
    return bits;
  }

  @Override
  public void close() {
    if (quantized != null) {
      quantized.close();
    }
    super.close();
  }
}
