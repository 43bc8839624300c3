package dev.harmonics.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The same seed gives the same weights bit for bit, after initialisation and after training with
 * shuffling and dropout; another seed gives other weights. Runs on the default backend with its
 * threads, so it also covers the kernels' fixed-order reductions. About a second.
 */
class DeterminismTest {

  private static float[] train(long seed) {
    ArraySampleSet[] data = Fixtures.blobs(600, 100, 12, 3, 1.0, 5);
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlpWithDropout(12, 24, 3),
            Fixtures.kernels(), seed);
        Producer<Batch> train = Fixtures.batches(data[0], 32, seed)) {
      runtime.bindProducer(train);
      runtime.fit(2, FitOptions.defaults().withLearningRate(0.01));
      return Fixtures.weights(runtime);
    }
  }

  private static float[] initial(long seed) {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(12, 24, 3),
        Fixtures.kernels(), seed)) {
      return Fixtures.weights(runtime);
    }
  }

  @Test
  void sameSeedSameInitialWeights() {
    assertArrayEquals(initial(1), initial(1));
    assertFalse(Arrays.equals(initial(1), initial(2)));
  }

  @Test
  void sameSeedSameTrainedWeightsBitForBit() {
    float[] first = train(3);
    float[] second = train(3);
    assertArrayEquals(first, second, "a float compare would hide -0/NaN bit differences too, so"
        + " the raw bits are checked next");
    for (int i = 0; i < first.length; i++) {
      if (Float.floatToRawIntBits(first[i]) != Float.floatToRawIntBits(second[i])) {
        throw new AssertionError("weight " + i + " differs in its bits");
      }
    }
    assertFalse(Arrays.equals(first, train(4)), "another seed trains other weights");
  }
}
