package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.OptimizerConformance;

class NativeCpuOptimizerTest extends OptimizerConformance {
  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
