package dev.harmonics.data;

/** In-memory sample sets with values that say where they came from. */
final class TestSets {

  private TestSets() {}

  /**
   * Sample {@code i} has features {@code i * featureSize + k} for k in row-major order and label
   * {@code i % 4}.
   */
  static SampleSet counting(int size, int... shape) {
    SampleSpec spec = new SampleSpec(shape, 4);
    return new SampleSet() {
      @Override
      public SampleSpec spec() {
        return spec;
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public void copyFeatures(int index, float[] dst, int offset) {
        int n = spec.featureSize();
        for (int k = 0; k < n; k++) {
          dst[offset + k] = (float) index * n + k;
        }
      }

      @Override
      public int label(int index) {
        return index % 4;
      }
    };
  }

  /** The sample index a {@link #counting} sample came from, read back from its first feature. */
  static int indexOf(Sample s, int featureSize) {
    return (int) s.features().getFlat(0) / featureSize;
  }
}
