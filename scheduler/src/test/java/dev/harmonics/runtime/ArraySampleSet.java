package dev.harmonics.runtime;

import dev.harmonics.data.SampleSet;
import dev.harmonics.data.SampleSpec;

/** A labelled data set held in arrays, for tests. */
final class ArraySampleSet implements SampleSet {

  private final float[] features;
  private final int[] labels;
  private final SampleSpec spec;

  ArraySampleSet(float[] features, int[] labels, int classes, int... featureShape) {
    this.features = features;
    this.labels = labels;
    this.spec = new SampleSpec(featureShape, classes);
  }

  @Override
  public SampleSpec spec() {
    return spec;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public void copyFeatures(int index, float[] dst, int offset) {
    int width = spec.featureSize();
    System.arraycopy(features, index * width, dst, offset, width);
  }

  @Override
  public int label(int index) {
    return labels[index];
  }
}
