package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.OptimizerConformance;

/** The reference optimizer kernels against the hand-computed steps, convergence and validation. */
class ReferenceOptimizerTest extends OptimizerConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }
}
