package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/** Reshapes each sample to one dimension: a view, no copy, in both directions. */
public final class FlattenLayer extends AbstractLayer {

  /** Flattens samples of {@code inputShape}. */
  public FlattenLayer(String name, KernelProvider kernels, int[] inputShape) {
    super(name, kernels, inputShape, new int[] {product(inputShape)});
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    return x.reshape(batchOf(x), outputShape[0]);
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    if (!inputGradient) {
      return null;
    }
    int[] shape = new int[inputShape.length + 1];
    shape[0] = dy.dim(0);
    System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
    return dy.reshape(shape);
  }
}
