package dev.harmonics.bench.gemm;

import dev.harmonics.tensor.Tensor;
import java.util.SplittableRandom;

/** Seeded benchmark inputs: off-heap tensors of uniform values, so every run sees the same data. */
public final class GemmData {

  private final SplittableRandom random;

  public GemmData(long seed) {
    random = new SplittableRandom(seed);
  }

  /** Float32, uniform in [-1, 1). */
  public Tensor uniform(int... shape) {
    Tensor t = Tensor.zeros(shape);
    float[] values = new float[t.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return t.copyFrom(values);
  }

  /** Int8, uniform over all 256 codes. */
  public Tensor int8(int... shape) {
    byte[] values = new byte[count(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (byte) random.nextInt(-128, 128);
    }
    return Tensor.ofBytes(values, shape);
  }

  private static int count(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
