package dev.harmonics.bench.norm;

import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Shape parsing and seeded data for the norm benchmarks. */
final class NormShapes {

  private NormShapes() {}

  /** {@code "16x64x28x28"} as {@code {16, 64, 28, 28}}. */
  static int[] parse(String shape) {
    return Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
  }

  /** Uniform values in {@code [lo, hi)} from a fixed seed. */
  static Tensor uniform(long seed, float lo, float hi, int... shape) {
    Tensor t = Tensor.zeros(shape);
    float[] values = new float[t.size()];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < values.length; i++) {
      values[i] = lo + (hi - lo) * (float) random.nextDouble();
    }
    return t.copyFrom(values);
  }
}
