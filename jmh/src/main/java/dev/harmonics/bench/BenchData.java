package dev.harmonics.bench;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded benchmark inputs, so every run of a benchmark sees the same data, and the {@code "AxBxC"}
 * shape strings that benchmarks take as {@code @Param}.
 */
public final class BenchData {

  private final SplittableRandom random;

  public BenchData(long seed) {
    random = new SplittableRandom(seed);
  }

  /** {@code "16x64x28x28"} as {@code {16, 64, 28, 28}}. */
  public static int[] dims(String shape) {
    return Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
  }

  /** Floats uniform in {@code [lo, hi)}. */
  public float[] floats(int n, float lo, float hi) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = lo + (hi - lo) * (float) random.nextDouble();
    }
    return values;
  }

  /** An off-heap float32 tensor uniform in {@code [lo, hi)}. */
  public Tensor uniform(float lo, float hi, int... shape) {
    Tensor t = Tensor.zeros(shape);
    return t.copyFrom(floats(t.size(), lo, hi));
  }

  /** An off-heap float32 tensor uniform in {@code [-1, 1)}. */
  public Tensor uniform(int... shape) {
    return uniform(-1f, 1f, shape);
  }

  /** An off-heap int8 tensor uniform over all 256 codes. */
  public Tensor int8(int... shape) {
    Tensor t = Tensor.allocate(DType.INT8, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setByteFlat(i, (byte) random.nextInt(-128, 128));
    }
    return t;
  }

  /** A whole number in {@code [0, bound)}. */
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }
}
