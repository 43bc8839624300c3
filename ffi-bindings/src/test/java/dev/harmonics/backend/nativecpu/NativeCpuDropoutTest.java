package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.DropoutConformance;

class NativeCpuDropoutTest extends DropoutConformance {
  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
