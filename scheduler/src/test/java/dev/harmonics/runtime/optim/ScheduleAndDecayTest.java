package dev.harmonics.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.layer.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning-rate schedules and which parameters weight decay touches. */
class ScheduleAndDecayTest {

  @Test
  void schedulesFollowTheirFormulas() {
    LearningRateSchedule step = new LearningRateSchedule.StepDecay(2, 0.5);
    assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0.25},
        new double[] {step.rate(1, 0, 0, 0), step.rate(1, 0, 1, 0), step.rate(1, 0, 2, 0),
            step.rate(1, 0, 3, 0), step.rate(1, 0, 4, 0)});
    LearningRateSchedule exp = new LearningRateSchedule.ExponentialDecay(0.5, 0.2);
    assertEquals(0.5, exp.rate(1, 0, 1, 0));
    assertEquals(0.2, exp.rate(1, 0, 3, 0), "never below the floor");
    LearningRateSchedule cosine = new LearningRateSchedule.Cosine(0.1);
    assertEquals(1.0, cosine.rate(1, 0, 0, 100), 1e-12);
    assertEquals(0.55, cosine.rate(1, 50, 0, 100), 1e-12);
    assertEquals(0.1, cosine.rate(1, 100, 0, 100), 1e-12);
    assertEquals(0.7, LearningRateSchedule.constant().rate(0.7, 9, 9, 9));
    assertEquals("gamma: 1.5 (expected: 0 < gamma <= 1)", assertThrows(
        IllegalArgumentException.class, () -> new LearningRateSchedule.StepDecay(1, 1.5))
        .getMessage());
  }

  @Test
  void weightDecayTouchesWeightsNotBiases() {
    try (Parameter weight = new Parameter("l.weight", true, 3);
        Parameter bias = new Parameter("l.bias", false, 3)) {
      weight.value().fill(1f);
      bias.value().fill(1f);
      for (OptimizerConfig config : List.of(OptimizerConfig.sgd(), OptimizerConfig.adam(),
          OptimizerConfig.adamW(), OptimizerConfig.rmsProp(), OptimizerConfig.lamb())) {
        weight.value().fill(1f);
        bias.value().fill(1f);
        try (Optimizer optimizer = new Optimizer(config, 0.1, List.of(weight, bias),
            KernelProviders.of(dev.harmonics.kernel.Backend.SIMD))) {
          optimizer.step(0.1);
          assertEquals(1f, bias.value().getFlat(0), config + ": a zero gradient leaves the bias");
          float w = weight.value().getFlat(0);
          org.junit.jupiter.api.Assertions.assertTrue(w < 1f, config + ": decay shrinks " + w);
          assertEquals(1, optimizer.steps());
        }
      }
    }
  }
}
