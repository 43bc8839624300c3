package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.DecayedOptimizerState;
import dev.harmonics.kernel.conformance.OptimizerConformance;
import org.junit.jupiter.api.Test;

/** The SIMD optimizer kernels against the reference. */
class SimdOptimizerTest extends OptimizerConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.SIMD);
  }

  /** Decayed state is stored as 0, not as subnormals. */
  @Test
  void decayedStateIsStoredAsZero() {
    DecayedOptimizerState.check(candidate().optimizers());
  }
}
