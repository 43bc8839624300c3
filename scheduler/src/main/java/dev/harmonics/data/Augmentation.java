package dev.harmonics.data;

/**
 * Random changes applied to image samples during training: horizontal flips, shifts (a crop of
 * the zero-padded image, so the size stays the same) and gaussian noise. Images are the last two
 * feature dimensions ({@code [H, W]} or {@code [C, H, W]}); every channel gets the same flip and
 * shift. Build one with {@link #builder()} and apply it with {@link Producers#augment}.
 *
 * @param flipProbability chance that a sample is mirrored left to right
 * @param maxShift largest shift in pixels along each axis; each sample draws its own in
 *     {@code [-maxShift, maxShift]}
 * @param noiseStddev standard deviation of the gaussian noise added to every feature (0: none)
 * @param seed where every random draw comes from, together with the epoch number
 */
public record Augmentation(double flipProbability, int maxShift, double noiseStddev, long seed) {

  public Augmentation {
    if (!(flipProbability >= 0 && flipProbability <= 1)) {
      throw new IllegalArgumentException(
          "flipProbability: " + flipProbability + " (expected [0, 1])");
    }
    if (maxShift < 0) {
      throw new IllegalArgumentException("maxShift: " + maxShift + " (expected >= 0)");
    }
    if (!(noiseStddev >= 0 && Double.isFinite(noiseStddev))) {
      throw new IllegalArgumentException(
          "noiseStddev: " + noiseStddev + " (expected a finite value >= 0)");
    }
  }

  /** True when flips or shifts are asked for, which need image-shaped features. */
  boolean geometric() {
    return flipProbability > 0 || maxShift > 0;
  }

  /** A builder starting from no change at all (seed 0). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link Augmentation}. */
  public static final class Builder {
    private double flipProbability;
    private int maxShift;
    private double noiseStddev;
    private long seed;

    private Builder() {}

    /** Mirrors each sample left to right with this probability. */
    public Builder flipHorizontal(double probability) {
      this.flipProbability = probability;
      return this;
    }

    /** Shifts each sample by up to this many pixels along each axis. */
    public Builder shift(int pixels) {
      this.maxShift = pixels;
      return this;
    }

    /** Adds gaussian noise of this standard deviation. */
    public Builder noise(double stddev) {
      this.noiseStddev = stddev;
      return this;
    }

    /** Seed of every random draw. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The augmentation; invalid settings are refused here, naming the setting. */
    public Augmentation build() {
      return new Augmentation(flipProbability, maxShift, noiseStddev, seed);
    }
  }
}
