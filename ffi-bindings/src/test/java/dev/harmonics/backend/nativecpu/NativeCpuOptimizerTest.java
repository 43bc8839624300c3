package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.DecayedOptimizerState;
import dev.harmonics.kernel.conformance.OptimizerConformance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NativeCpuOptimizerTest extends OptimizerConformance {
  @BeforeAll
  static void requireNativeCpu() {
    NativeCpuBackend.assumeAvailable();
  }

  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }

  /** Decayed state is stored as 0, not as subnormals. */
  @Test
  void decayedStateIsStoredAsZero() {
    DecayedOptimizerState.check(candidate().optimizers());
  }
}
