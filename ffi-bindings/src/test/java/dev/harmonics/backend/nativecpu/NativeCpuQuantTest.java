package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.QuantConformance;

class NativeCpuQuantTest extends QuantConformance {
  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
