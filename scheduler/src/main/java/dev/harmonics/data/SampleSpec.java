package dev.harmonics.data;

import java.util.Arrays;

/**
 * What a {@link Producer} delivers, known before any sample is read, so a runtime can check a
 * graph's input against it up front.
 *
 * @param featureShape shape of one sample's features (float32), without any batch dimension
 * @param classes number of label classes; labels are class indices in {@code [0, classes)}, and
 *     {@code 0} means the samples carry no label
 */
public record SampleSpec(int[] featureShape, int classes) {

  public SampleSpec {
    if (featureShape == null || featureShape.length == 0) {
      throw new IllegalArgumentException(
          "featureShape: " + Arrays.toString(featureShape) + " (expected at least one dimension)");
    }
    for (int d : featureShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "featureShape: " + Arrays.toString(featureShape) + " (expected positive dimensions)");
      }
    }
    if (classes < 0) {
      throw new IllegalArgumentException("classes: " + classes + " (expected >= 0)");
    }
    featureShape = featureShape.clone();
  }

  @Override
  public int[] featureShape() {
    return featureShape.clone();
  }

  /** Number of float features in one sample (the product of {@link #featureShape()}). */
  public int featureSize() {
    int n = 1;
    for (int d : featureShape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** True when samples carry a class label. */
  public boolean labeled() {
    return classes > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SampleSpec s
        && classes == s.classes
        && Arrays.equals(featureShape, s.featureShape);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(featureShape) + classes;
  }

  @Override
  public String toString() {
    return "features float32" + Arrays.toString(featureShape)
        + (labeled() ? ", labels in [0, " + classes + ")" : ", unlabeled");
  }
}
