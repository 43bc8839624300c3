package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.LayoutConformance;

class SimdLayoutTest extends LayoutConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.SIMD);
  }
}
