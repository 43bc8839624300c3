package dev.harmonics.examples;

import dev.harmonics.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded synthetic classification data for the examples that need no data set: four classes of
 * 12 features, each class lifting every fourth feature. Every process computes the same batches
 * from the same seed, so partitions in different processes see the same samples.
 */
final class ExampleData {

  static final int FEATURES = 12;
  static final int CLASSES = 4;

  private ExampleData() {}

  /** Features {@code x [n, 12]} and class indices {@code labels [n]}; the caller closes them. */
  static Map<String, Tensor> batch(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n * FEATURES];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(CLASSES);
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = (float) random.nextGaussian()
            + (j % CLASSES == labels[i] ? 1.5f : 0f);
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("x", Tensor.of(x, n, FEATURES));
    out.put("labels", Tensor.ofInts(labels, n));
    return out;
  }
}
