package dev.harmonics.data;

import dev.harmonics.tensor.Tensor;

/**
 * One example: its features and its class label.
 *
 * <p>Per-sample features are heap tensors ({@link Tensor#wrap}) so a pipeline that touches
 * every sample allocates no off-heap memory per sample and there is nothing to close; the
 * {@link Producers#batch batching} stage copies them into one off-heap tensor per batch.
 *
 * @param features float32 tensor of the producer's {@link SampleSpec#featureShape()}
 * @param label class index in {@code [0, classes)}, or {@link #NO_LABEL} for unlabeled data
 */
public record Sample(Tensor features, int label) {

  /** The label of a sample from a producer whose {@link SampleSpec#labeled()} is false. */
  public static final int NO_LABEL = -1;
}
