package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.SoftmaxConformance;

class NativeCpuSoftmaxTest extends SoftmaxConformance {
  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
