package dev.harmonics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.optim.OptimizerConfig;
import dev.harmonics.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Gradient accumulation, clipping and early stopping do what they say. */
class FitOptionsTest {

  private static Map<String, Tensor> rows(float[] x, int[] labels) {
    return Map.of("x", Tensor.of(x, labels.length, x.length / labels.length),
        "labels", Tensor.ofInts(labels, labels.length));
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Test
  void accumulatingTwoHalvesEqualsOneWholeBatch() {
    float[] x = random(8 * 5, 1);
    int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
    FitOptions sgd = FitOptions.defaults().withOptimizer(new OptimizerConfig.Sgd(0, false))
        .withLearningRate(0.1);
    try (CycleRuntime whole = CycleRuntime.compile(Fixtures.mlp(5, 6, 3),
            KernelProviders.of(Backend.REFERENCE), 2);
        CycleRuntime halves = CycleRuntime.compile(Fixtures.mlp(5, 6, 3),
            KernelProviders.of(Backend.REFERENCE), 2)) {
      whole.setTrainingOptions(sgd);
      halves.setTrainingOptions(sgd.withAccumulation(2));
      StepResult one = whole.trainStep(rows(x, y));
      StepResult first = halves.trainStep(rows(java.util.Arrays.copyOfRange(x, 0, 20),
          java.util.Arrays.copyOfRange(y, 0, 4)));
      StepResult second = halves.trainStep(rows(java.util.Arrays.copyOfRange(x, 20, 40),
          java.util.Arrays.copyOfRange(y, 4, 8)));
      assertTrue(one.updated());
      assertFalse(first.updated(), "the first half only accumulates");
      assertTrue(second.updated());
      assertEquals(1, halves.updates());
      assertEquals(one.gradientNorm(), second.gradientNorm(), 1e-6);
      float[] a = Fixtures.weights(whole);
      float[] b = Fixtures.weights(halves);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-6, "weight " + i);
      }
    }
  }

  @Test
  void clippingBoundsTheUpdate() {
    float[] x = random(8 * 5, 3);
    int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(5, 6, 3),
        Fixtures.kernels(), 2)) {
      runtime.setTrainingOptions(FitOptions.defaults()
          .withOptimizer(new OptimizerConfig.Sgd(0, false)).withLearningRate(1)
          .withClipNorm(1e-3));
      float[] before = Fixtures.weights(runtime);
      StepResult r = runtime.trainStep(rows(x, y));
      float[] after = Fixtures.weights(runtime);
      double moved = 0;
      for (int i = 0; i < before.length; i++) {
        moved += (double) (after[i] - before[i]) * (after[i] - before[i]);
      }
      assertTrue(r.gradientNorm() > 0.01, "the norm is reported before clipping: " + r);
      assertEquals(1e-3, Math.sqrt(moved), 1e-5, "lr 1 times the clipped norm");
    }
  }

  @Test
  void earlyStoppingEndsARunThatStopsImproving() {
    ArraySampleSet[] data = Fixtures.blobs(200, 100, 6, 2, 1.0, 4);
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(6, 8, 2),
            Fixtures.kernels(), 2);
        Producer<Batch> train = Fixtures.batches(data[0], 50, 1);
        Producer<Batch> validation = Fixtures.inOrder(data[1], 50)) {
      runtime.bindProducer(train);
      FitReport report = runtime.fit(10, FitOptions.defaults().withLearningRate(0)
          .withValidation(validation)
          .withEarlyStopping(new FitOptions.EarlyStopping(FitOptions.Metric.LOSS, 2, 1e-4)));
      assertTrue(report.stoppedEarly());
      assertEquals(3, report.epochs().size(), "one epoch sets the best, two fail to beat it");
      assertEquals(3, runtime.epoch());
      assertEquals(100, report.epochs().getLast().validation().samples());
    }
  }

  @Test
  void badSettingsAreRefusedByName() {
    FitOptions d = FitOptions.defaults();
    assertEquals("accumulation: 0 (expected: >= 1)", assertThrows(
        IllegalArgumentException.class, () -> d.withAccumulation(0)).getMessage());
    assertEquals("learningRate: NaN (expected: finite, >= 0)", assertThrows(
        IllegalArgumentException.class, () -> d.withLearningRate(Double.NaN)).getMessage());
    assertEquals("earlyStopping: set without validation data (expected: withValidation(...) as"
        + " well)", assertThrows(IllegalArgumentException.class, () -> d.withEarlyStopping(
            new FitOptions.EarlyStopping(FitOptions.Metric.ACCURACY, 1, 0))).getMessage());
    assertEquals("optimizer: 'adagrad' (expected one of: sgd, adam, adamw, rmsprop, lamb)",
        assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.named("adagrad"))
            .getMessage());
  }
}
