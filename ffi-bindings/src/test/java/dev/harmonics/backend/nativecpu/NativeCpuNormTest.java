package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.NormConformance;

class NativeCpuNormTest extends NormConformance {
  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
