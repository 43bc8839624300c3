package dev.harmonics.data;


/**
 * A data set whose features are shifted and scaled, {@code (x - mean) / std}, with statistics
 * measured on the training split: the usual input standardisation, which lets a network's first
 * layer start from centred inputs and speeds up the first epochs.
 */
public final class StandardizedSet implements SampleSet {

  private final SampleSet set;
  private final float mean;
  private final float inverseStd;

  private StandardizedSet(SampleSet set, float mean, float inverseStd) {
    this.set = set;
    this.mean = mean;
    this.inverseStd = inverseStd;
  }

  /** The mean and standard deviation of every feature value of {@code set}. */
  public static float[] statistics(SampleSet set) {
    int width = set.spec().featureSize();
    float[] row = new float[width];
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < set.size(); i++) {
      set.copyFeatures(i, row, 0);
      for (float v : row) {
        sum += v;
        squares += (double) v * v;
      }
    }
    double count = (double) set.size() * width;
    double mean = sum / count;
    double std = Math.sqrt(Math.max(squares / count - mean * mean, 1e-12));
    return new float[] {(float) mean, (float) std};
  }

  /** {@code set} standardised with {@code statistics} ({@code {mean, std}}). */
  public static SampleSet of(SampleSet set, float[] statistics) {
    return new StandardizedSet(set, statistics[0], 1f / statistics[1]);
  }

  @Override
  public SampleSpec spec() {
    return set.spec();
  }

  @Override
  public int size() {
    return set.size();
  }

  @Override
  public void copyFeatures(int index, float[] dst, int offset) {
    set.copyFeatures(index, dst, offset);
    int width = set.spec().featureSize();
    for (int i = offset; i < offset + width; i++) {
      dst[i] = (dst[i] - mean) * inverseStd;
    }
  }

  @Override
  public int label(int index) {
    return set.label(index);
  }
}
