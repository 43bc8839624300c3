package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/**
 * Inverted dropout. Which elements a training pass drops is a pure function of the run's seed,
 * the step and this layer's index among the model's dropout layers (the kernels' Philox stream at
 * offset {@code step * 65536 + index}), so nothing but the step counter needs saving for an exact
 * resume, and the backward pass recomputes the mask instead of storing it. Evaluation passes copy
 * the input through.
 */
public final class DropoutLayer extends AbstractLayer {

  /** Offsets reserve this many streams per step, one per dropout layer. */
  public static final int MAX_LAYERS = 1 << 16;

  private final float rate;
  private final int index;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private Pass lastPass;

  /**
   * @param rate probability of dropping an element, in {@code [0, 1)}
   * @param index this layer's index among the model's dropout layers, below {@link #MAX_LAYERS}
   */
  public DropoutLayer(String name, KernelProvider kernels, int[] inputShape, float rate,
      int index) {
    super(name, kernels, inputShape, inputShape);
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException(
          "layer '" + name + "': dropout rate " + rate + " (expected: 0 <= rate < 1)");
    }
    if (index < 0 || index >= MAX_LAYERS) {
      throw new IllegalArgumentException("layer '" + name + "': dropout index " + index
          + " (expected: 0 to " + (MAX_LAYERS - 1) + ")");
    }
    this.rate = rate;
    this.index = index;
    this.output = buffer(inputShape);
    this.inputGrad = buffer(inputShape);
  }

  private long offset(Pass pass) {
    return pass.step() * MAX_LAYERS + index;
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    if (!pass.training()) {
      lastPass = null;
      return x;
    }
    Tensor y = output.get(n);
    kernels.dropout().forward(x, rate, pass.seed(), offset(pass), y, null);
    lastPass = pass;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    if (lastPass == null) {
      throw new IllegalStateException("layer '" + name
          + "': backward without a training forward pass before it");
    }
    if (!inputGradient) {
      return null;
    }
    Tensor dx = inputGrad.get(dy.dim(0));
    kernels.dropout().backward(dy, lastPass.seed(), offset(lastPass), rate, dx);
    return dx;
  }
}
