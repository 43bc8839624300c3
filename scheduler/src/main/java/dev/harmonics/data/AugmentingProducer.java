package dev.harmonics.data;

import dev.harmonics.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Applies an {@link Augmentation} to each sample. The random source restarts from (seed, epoch)
 * at every epoch, so epoch e's changes are the same in every run with that seed, provided the
 * upstream order is the same.
 */
final class AugmentingProducer implements Producer<Sample> {

  private final Producer<Sample> upstream;
  private final Augmentation augmentation;
  private final int[] shape;
  private final int height;
  private final int width;
  private SplittableRandom random;

  AugmentingProducer(Producer<Sample> upstream, Augmentation augmentation) {
    this.upstream = upstream;
    this.augmentation = augmentation;
    this.shape = upstream.spec().featureShape();
    if (augmentation.geometric() && shape.length < 2) {
      throw new IllegalArgumentException("augmentation " + augmentation + " flips or shifts "
          + "images, but the producer has " + upstream.spec() + " (expected [H, W] or [C, H, W])");
    }
    this.height = shape.length >= 2 ? shape[shape.length - 2] : 1;
    this.width = shape[shape.length - 1];
    this.random = new SplittableRandom(Seeds.mix(augmentation.seed(), upstream.epoch()));
  }

  @Override
  public SampleSpec spec() {
    return upstream.spec();
  }

  @Override
  public boolean hasNext() {
    return upstream.hasNext();
  }

  @Override
  public Sample next() {
    Sample s = upstream.next();
    float[] in = s.features().toFloatArray();
    float[] out = augmentation.geometric() ? new float[in.length] : in;
    if (augmentation.geometric()) {
      boolean flip = random.nextDouble() < augmentation.flipProbability();
      int max = augmentation.maxShift();
      int dy = max == 0 ? 0 : random.nextInt(-max, max + 1);
      int dx = max == 0 ? 0 : random.nextInt(-max, max + 1);
      move(in, out, flip, dy, dx);
    }
    double sigma = augmentation.noiseStddev();
    if (sigma > 0) {
      for (int i = 0; i < out.length; i++) {
        out[i] += (float) (random.nextGaussian() * sigma);
      }
    }
    return new Sample(Tensor.wrap(out, shape), s.label());
  }

  /**
   * Output pixel (y, x) takes input pixel (y - dy, x' - dx), where x' is x mirrored when
   * flipping; pixels shifted in from outside are 0.
   */
  private void move(float[] in, float[] out, boolean flip, int dy, int dx) {
    int plane = height * width;
    for (int base = 0; base < in.length; base += plane) {
      for (int y = 0; y < height; y++) {
        int sy = y - dy;
        if (sy < 0 || sy >= height) {
          continue;
        }
        for (int x = 0; x < width; x++) {
          int sx = x - dx;
          if (sx < 0 || sx >= width) {
            continue;
          }
          int fromX = flip ? width - 1 - sx : sx;
          out[base + y * width + x] = in[base + sy * width + fromX];
        }
      }
    }
  }

  @Override
  public void reset() {
    upstream.reset();
    random = new SplittableRandom(Seeds.mix(augmentation.seed(), upstream.epoch()));
  }

  @Override
  public int epoch() {
    return upstream.epoch();
  }

  @Override
  public long size() {
    return upstream.size();
  }

  @Override
  public void close() {
    upstream.close();
  }
}
