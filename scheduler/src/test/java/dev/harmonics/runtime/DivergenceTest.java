package dev.harmonics.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NaN and infinity stop training with a message naming the step and where they first appeared,
 * before any parameter is updated from them.
 */
class DivergenceTest {

  private static Map<String, Tensor> batch(float poison) {
    float[] x = new float[4 * 6];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 5) * 0.1f;
    }
    x[7] = poison;
    return Map.of("x", Tensor.of(x, 4, 6), "labels", Tensor.ofInts(new int[] {0, 1, 2, 1}, 4));
  }

  @Test
  void nanInTheDataNamesTheProducer() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(6, 8, 3),
        Fixtures.kernels(), 1)) {
      runtime.trainStep(batch(0.5f));
      float[] before = Fixtures.weights(runtime);
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
          () -> runtime.trainStep(batch(Float.NaN)));
      assertEquals(1, e.step());
      assertTrue(e.getMessage().startsWith("training diverged at step 1: NaN at element 7 of"
          + " float32[4, 6] in the data fed to producer 'x'"), e.getMessage());
      assertArrayEquals(before, Fixtures.weights(runtime), "no update from the bad step");
    }
  }

  @Test
  void infiniteWeightNamesTheLayer() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(6, 8, 3),
        Fixtures.kernels(), 1)) {
      Parameter w = runtime.parameters().stream().filter(p -> p.name().equals("h2.weight"))
          .findFirst().orElseThrow();
      w.value().setFlat(3, Float.POSITIVE_INFINITY);
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
          () -> runtime.trainStep(batch(0.5f)));
      assertEquals(0, e.step());
      assertTrue(e.location().equals("the output of layer 'h2' (forward)"), e.getMessage());
    }
  }

  @Test
  void hugeLearningRateDivergesWithAClearMessage() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(6, 8, 3),
        Fixtures.kernels(), 1)) {
      runtime.setTrainingOptions(FitOptions.defaults()
          .withOptimizer(dev.harmonics.runtime.optim.OptimizerConfig.sgd())
          .withLearningRate(1e30));
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> {
        for (int i = 0; i < 50; i++) {
          runtime.trainStep(batch(0.5f));
        }
      });
      assertTrue(e.getMessage().contains("training diverged at step "), e.getMessage());
      assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
    }
  }
}
