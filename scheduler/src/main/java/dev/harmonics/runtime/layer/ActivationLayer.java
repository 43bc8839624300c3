package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/**
 * A point-wise function on an arrow ({@code a -(relu)-> b}). PReLU's slope is a learned parameter
 * of one element shared by all channels, starting at {@code alpha}; the other functions have no
 * parameters.
 */
public final class ActivationLayer extends AbstractLayer {

  private final Activation function;
  private final float alpha;
  private final Parameter slope;
  private final GradientSink slopeSink;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private Tensor lastInput;
  private Tensor lastOutput;

  /**
   * @param function the kernels' activation ({@link Activation#IDENTITY} is allowed and copies
   *     nothing)
   * @param alpha the parameter of leaky ReLU and ELU, or PReLU's initial slope
   */
  public ActivationLayer(String name, KernelProvider kernels, int[] shape, Activation function,
      float alpha) {
    super(name, kernels, shape, shape);
    this.function = function;
    this.alpha = alpha;
    this.slope = function == Activation.PRELU ? parameter("slope", false, 1) : null;
    this.slopeSink = slope == null ? null : sink(slope);
    this.output = buffer(shape);
    this.inputGrad = buffer(shape);
  }

  /** The function applied. */
  public Activation function() {
    return function;
  }

  @Override
  public void initialise(SeededRandom random) {
    if (slope != null) {
      slope.value().fill(alpha);
      slope.markChanged();
    }
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    if (function == Activation.IDENTITY) {
      return x;
    }
    Tensor y = output.get(n);
    if (slope != null) {
      kernels.activations().preluForward(x, slope.value(), y);
    } else {
      kernels.activations().forward(function, alpha, x, y);
    }
    lastInput = pass.training() ? x : null;
    lastOutput = y;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    if (function == Activation.IDENTITY) {
      return inputGradient ? dy : null;
    }
    requireTrainingInput(lastInput, name);
    Tensor dx = inputGradient ? inputGrad.get(dy.dim(0)) : null;
    if (slope != null) {
      kernels.activations().preluBackward(lastInput, slope.value(), dy, dx,
          slopeSink.target(accumulate));
      slopeSink.finish(kernels, accumulate);
    } else if (dx != null) {
      kernels.activations().backward(function, alpha, lastInput, lastOutput, dy, dx);
    }
    return dx;
  }
}
