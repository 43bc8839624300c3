package dev.harmonics.runtime.layer;

import dev.harmonics.tensor.Tensor;
import java.util.List;

/**
 * One step of a model's computation with its parameters, forward and backward over a kernel
 * provider. Shapes are per sample; tensors passed in and out carry a leading batch dimension.
 *
 * <p>Buffers are the layer's: {@link #forward} returns a tensor the layer owns and overwrites on
 * its next forward pass, and {@link #backward} likewise. A layer keeps a reference to the input of
 * its last forward pass for the backward pass, so the caller must not overwrite that input in
 * between.
 */
public interface Layer extends AutoCloseable {

  /** The name of the layer within its model. */
  String name();

  /** The shape of one input sample. */
  int[] inputShape();

  /** The shape of one output sample. */
  int[] outputShape();

  /** The trainable parameters, in a fixed order (checkpoints rely on it). */
  List<Parameter> parameters();

  /**
   * State that is not trained by gradients but must survive a checkpoint, such as batch-norm
   * running statistics, in a fixed order.
   */
  default List<Tensor> stateTensors() {
    return List.of();
  }

  /** Sets every parameter to its initial value, drawn from {@code random}. */
  void initialise(SeededRandom random);

  /**
   * Computes the output for a batch {@code x} of shape {@code [n, inputShape...]}.
   *
   * @return {@code [n, outputShape...]}, owned by the layer
   */
  Tensor forward(Tensor x, Pass pass);

  /**
   * Back-propagates {@code dy} (the gradient of the loss with respect to the last forward output)
   * through the last forward pass, which must have been a training pass.
   *
   * @param accumulate add the parameter gradients to what they hold (gradient accumulation)
   *     instead of overwriting them
   * @param inputGradient whether the caller needs the gradient with respect to the input; when
   *     false the layer may skip that work and return null
   * @return the gradient with respect to the input, owned by the layer, or null
   */
  Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient);

  /** Frees parameters and buffers. */
  @Override
  void close();
}
