package dev.harmonics.testing;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.SplittableRandom;

/** Seeded random tensors and the awkward sizes every kernel test must cover. */
public final class RandomTensors {

  /**
   * Lengths that hit the edge cases of vector loops: one element, less than one vector, odd sizes,
   * one past a vector boundary for 128/256/512-bit species, and a large input.
   */
  public static final int[] AWKWARD_LENGTHS = {1, 3, 4, 7, 8, 13, 16, 17, 25, 31, 33, 64, 207, 702,
      4098, 100_003};

  private final SplittableRandom random;

  public RandomTensors(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Uniform floats in {@code [lo, hi)}, off-heap. */
  public Tensor uniform(float lo, float hi, int... shape) {
    Tensor t = Tensor.zeros(shape);
    t.copyFrom(uniformArray(t.size(), lo, hi));
    return t;
  }

  /** Uniform floats in {@code [-1, 1)}. */
  public Tensor uniform(int... shape) {
    return uniform(-1f, 1f, shape);
  }

  public float[] uniformArray(int n, float lo, float hi) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = lo + (hi - lo) * (float) random.nextDouble();
    }
    return values;
  }

  public Tensor int8(int... shape) {
    Tensor t = Tensor.allocate(DType.INT8, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setByteFlat(i, (byte) random.nextInt(-128, 128));
    }
    return t;
  }

  public Tensor indices(int bound, int... shape) {
    Tensor t = Tensor.allocate(DType.INT32, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setIntFlat(i, random.nextInt(bound));
    }
    return t;
  }

  /** A whole number in {@code [lo, hi]}. */
  public int between(int lo, int hi) {
    return random.nextInt(lo, hi + 1);
  }

  public boolean nextBoolean() {
    return random.nextBoolean();
  }

  public double nextDouble() {
    return random.nextDouble();
  }
}
