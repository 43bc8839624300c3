package dev.harmonics.data;

import java.util.Objects;

/** Views of a {@link SampleSet}: no sample is copied. */
public final class SampleSets {

  private SampleSets() {}

  /**
   * Shard {@code k} of {@code n}: the samples whose index {@code i} has {@code i % n == k}. The
   * {@code n} shards are disjoint and together hold every sample once; their sizes differ by at
   * most one. Taking every n-th sample rather than a contiguous range keeps each shard's class
   * mix close to the whole set's when the file is sorted by class.
   */
  public static SampleSet shard(SampleSet set, int k, int n) {
    Objects.requireNonNull(set, "set");
    if (n <= 0) {
      throw new IllegalArgumentException("n: " + n + " (expected > 0 shards)");
    }
    if (k < 0 || k >= n) {
      throw new IllegalArgumentException("k: " + k + " (expected a shard in [0, " + n + "))");
    }
    int size = set.size() / n + (k < set.size() % n ? 1 : 0);
    return new SampleSet() {
      @Override
      public SampleSpec spec() {
        return set.spec();
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public void copyFeatures(int index, float[] dst, int offset) {
        set.copyFeatures(parent(index), dst, offset);
      }

      @Override
      public int label(int index) {
        return set.label(parent(index));
      }

      private int parent(int index) {
        Objects.checkIndex(index, size);
        return index * n + k;
      }
    };
  }
}
