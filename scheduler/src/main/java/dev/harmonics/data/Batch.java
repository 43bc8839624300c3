package dev.harmonics.data;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;

/**
 * A batch of samples in off-heap tensors the consumer owns and must {@link #close()}.
 *
 * <p>Labels are class indices in an INT32 tensor rather than one-hot floats: four bytes per
 * sample instead of {@code 4 * classes}, and the index is what a cross-entropy loss needs; use
 * {@link #oneHot(int)} where a float target is wanted.
 *
 * @param features float32 {@code [n, featureShape...]}
 * @param labels int32 {@code [n]} class indices, or {@code null} for unlabeled data
 */
public record Batch(Tensor features, Tensor labels) implements AutoCloseable {

  /** Number of samples in this batch (the last batch of an epoch may be smaller). */
  public int size() {
    return features.dim(0);
  }

  /** The label of sample {@code i}. */
  public int label(int i) {
    if (labels == null) {
      throw new IllegalStateException("this batch carries no labels (unlabeled producer)");
    }
    return labels.getIntFlat(i);
  }

  /**
   * A new float32 {@code [n, classes]} tensor with 1 at each sample's label and 0 elsewhere; the
   * caller closes it.
   */
  public Tensor oneHot(int classes) {
    if (classes <= 0) {
      throw new IllegalArgumentException("classes: " + classes + " (expected > 0)");
    }
    int n = size();
    Tensor out = Tensor.allocate(DType.FLOAT32, n, classes);
    for (int i = 0; i < n; i++) {
      int c = label(i);
      if (c < 0 || c >= classes) {
        out.close();
        throw new IllegalArgumentException(
            "label of sample " + i + " is " + c + " (expected [0, " + classes + "))");
      }
      out.setFlat((long) i * classes + c, 1f);
    }
    return out;
  }

  @Override
  public void close() {
    features.close();
    if (labels != null) {
      labels.close();
    }
  }
}
