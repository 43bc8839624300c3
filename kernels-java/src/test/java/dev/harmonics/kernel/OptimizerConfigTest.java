package dev.harmonics.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The optimizer configuration records: defaults and range checks. */
class OptimizerConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertEquals(new AdamConfig(1e-3, 0.9, 0.999, 1e-8, 0, false, false), AdamConfig.adam(1e-3));
    AdamConfig adamW = AdamConfig.adamW(1e-3, 0.01);
    assertTrue(adamW.decoupled());
    assertEquals(0.01, adamW.weightDecay());
    assertEquals(new SgdConfig(0.1, 0, 0, 0, false), SgdConfig.of(0.1));
    assertTrue(SgdConfig.ofNesterov(0.1, 0.9).nesterov());
    assertEquals(new RmsPropConfig(0.01, 0.9, 1e-8, 0, false, 0), RmsPropConfig.of(0.01));
    assertEquals(new LambConfig(1e-3, 0.9, 0.999, 1e-6, 0.01), LambConfig.of(1e-3));
  }

  @Test
  void withersChangeOneField() {
    AdamConfig a = AdamConfig.adamW(1e-3, 0.01).withLr(5e-4).withAmsgrad(true);
    assertEquals(new AdamConfig(5e-4, 0.9, 0.999, 1e-8, 0.01, true, true), a);
    assertFalse(RmsPropConfig.of(0.01).withCentered(true).withMomentum(0.5).withCentered(false)
        .centered());
    assertEquals(0.3, SgdConfig.ofMomentum(0.1, 0.9).withDampening(0.3).dampening());
  }

  @Test
  void negativeOrNonFiniteLearningRatesAreRefused() {
    assertRefused(() -> SgdConfig.of(-0.1), "lr: -0.1", ">= 0");
    assertRefused(() -> AdamConfig.adam(Double.NaN), "lr: NaN");
    assertRefused(() -> RmsPropConfig.of(Double.POSITIVE_INFINITY), "lr: Infinity");
    assertRefused(() -> LambConfig.of(-1), "lr: -1.0");
  }

  @Test
  void betasMustLieInTheHalfOpenUnitInterval() {
    assertRefused(() -> new AdamConfig(1e-3, 1.0, 0.999, 1e-8, 0, false, false),
        "beta1: 1.0", "0 <= beta1 < 1");
    assertRefused(() -> new AdamConfig(1e-3, 0.9, -0.1, 1e-8, 0, false, false), "beta2: -0.1");
    assertRefused(() -> new LambConfig(1e-3, 0.9, 1.5, 1e-6, 0), "beta2: 1.5");
    assertEquals(0, new AdamConfig(1e-3, 0, 0, 1e-8, 0, false, false).beta1());
  }

  @Test
  void otherRangesAreChecked() {
    assertRefused(() -> new AdamConfig(1e-3, 0.9, 0.999, -1e-8, 0, false, false), "eps");
    assertRefused(() -> AdamConfig.adamW(1e-3, -0.01), "weightDecay: -0.01");
    assertRefused(() -> SgdConfig.ofMomentum(0.1, -0.9), "momentum: -0.9");
    assertRefused(() -> new SgdConfig(0.1, 0.9, 1.5, 0, false), "dampening: 1.5");
    assertRefused(() -> new RmsPropConfig(0.01, 1.1, 1e-8, 0, false, 0), "alpha: 1.1");
    assertRefused(() -> RmsPropConfig.of(0.01).withMomentum(Double.NaN), "momentum: NaN");
  }

  @Test
  void nesterovNeedsMomentumAndNoDampening() {
    assertRefused(() -> SgdConfig.ofNesterov(0.1, 0), "nesterov", "momentum > 0");
    assertRefused(() -> SgdConfig.ofNesterov(0.1, 0.9).withDampening(0.1), "dampening 0");
  }

  private static void assertRefused(Executable build, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part),
          "message \"" + e.getMessage() + "\" should mention \"" + part + "\"");
    }
  }
}
