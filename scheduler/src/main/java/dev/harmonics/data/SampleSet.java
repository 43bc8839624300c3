package dev.harmonics.data;

import dev.harmonics.tensor.Tensor;

/**
 * A data set held in memory with random access to its samples: what file readers (IDX, CSV)
 * return, and what shuffling and sharding work on. Turn it into a {@link Producer} with {@link
 * Producers#sequential} or {@link Producers#shuffled}.
 */
public interface SampleSet {

  /** Shape of one sample's features and the label classes. */
  SampleSpec spec();

  /** Number of samples. */
  int size();

  /**
   * Copies the features of sample {@code index} into {@code dst} from {@code offset}, {@link
   * SampleSpec#featureSize()} floats in row-major order.
   */
  void copyFeatures(int index, float[] dst, int offset);

  /** The class index of sample {@code index}, or {@link Sample#NO_LABEL} when unlabeled. */
  int label(int index);

  /** Sample {@code index} as a heap tensor and its label. */
  default Sample get(int index) {
    SampleSpec spec = spec();
    float[] values = new float[spec.featureSize()];
    copyFeatures(index, values, 0);
    return new Sample(Tensor.wrap(values, spec.featureShape()), label(index));
  }
}
