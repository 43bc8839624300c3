package dev.harmonics.data.idx;

import dev.harmonics.data.MalformedDataException;
import dev.harmonics.data.SampleSet;
import dev.harmonics.data.SampleSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled data set from a pair of IDX files: features {@code [n, d1, d2, ...]} of any IDX type
 * and labels {@code [n]} of an integral type. Feature values are multiplied by a scale as they
 * are read (1/255 turns MNIST's bytes into [0, 1]).
 */
public final class IdxDataset implements SampleSet {

  private final IdxArray features;
  private final IdxArray labels;
  private final float scale;
  private final SampleSpec spec;
  private final int itemSize;

  /**
   * Pairs already-read arrays.
   *
   * @param classes number of classes, or 0 to use the largest label plus one
   * @throws IllegalArgumentException when the counts differ, the labels are not a rank-1 integral
   *     array, or a label lies outside {@code [0, classes)}
   */
  public IdxDataset(IdxArray features, IdxArray labels, float scale, int classes) {
    if (features.dims().length < 2) {
      throw new IllegalArgumentException(
          "features: " + features + " (expected [samples, d1, ...] with rank >= 2)");
    }
    if (labels.dims().length != 1 || !labels.type().integral()) {
      throw new IllegalArgumentException(
          "labels: " + labels + " (expected a rank-1 array of an integral type)");
    }
    if (labels.count() != features.count()) {
      throw new IllegalArgumentException(
          "labels: " + labels + " has " + labels.count() + " labels but features " + features
              + " has " + features.count() + " samples");
    }
    int found = checkLabels(labels, classes);
    this.features = features;
    this.labels = labels;
    this.scale = scale;
    this.itemSize = features.itemSize();
    int[] dims = features.dims();
    this.spec = new SampleSpec(Arrays.copyOfRange(dims, 1, dims.length), found);
  }

  private IdxDataset(IdxDataset base, SampleSpec spec) {
    this.features = base.features;
    this.labels = base.labels;
    this.scale = base.scale;
    this.itemSize = base.itemSize;
    this.spec = spec;
  }

  /**
   * The same samples viewed with another feature shape of the same element count, e.g. {@code
   * [1, 28, 28]} (one channel for a convolution) or {@code [784]} (for a dense layer).
   */
  public IdxDataset withFeatureShape(int... shape) {
    SampleSpec reshaped = new SampleSpec(shape, spec.classes());
    if (reshaped.featureSize() != itemSize) {
      throw new IllegalArgumentException(
          "shape: " + Arrays.toString(shape) + " has " + reshaped.featureSize()
              + " elements (expected " + itemSize + " to match " + spec + ")");
    }
    return new IdxDataset(this, reshaped);
  }

  private static int checkLabels(IdxArray labels, int classes) {
    int max = -1;
    for (int i = 0; i < labels.count(); i++) {
      double v = labels.get(i);
      if (v < 0 || (classes > 0 && v >= classes)) {
        throw new IllegalArgumentException(
            "labels: label " + (long) v + " at index " + i + " (expected [0, "
                + (classes > 0 ? classes : "n") + "))");
      }
      max = Math.max(max, (int) v);
    }
    return classes > 0 ? classes : max + 1;
  }

  /**
   * Reads and pairs two IDX files (plain or gzip).
   *
   * @param classes number of classes, or 0 to use the largest label plus one
   */
  public static IdxDataset load(Path features, Path labels, float scale, int classes)
      throws IOException {
    IdxArray f = IdxReader.read(features);
    IdxArray l = IdxReader.read(labels);
    try {
      return new IdxDataset(f, l, scale, classes);
    } catch (IllegalArgumentException e) {
      throw new MalformedDataException(
          features + " + " + labels + ": files do not pair: " + e.getMessage(), e);
    }
  }

  @Override
  public SampleSpec spec() {
    return spec;
  }

  @Override
  public int size() {
    return features.count();
  }

  @Override
  public void copyFeatures(int index, float[] dst, int offset) {
    Objects.checkIndex(index, size());
    features.copyAsFloats((long) index * itemSize, itemSize, dst, offset, scale);
  }

  @Override
  public int label(int index) {
    Objects.checkIndex(index, size());
    return (int) labels.get(index);
  }
}
