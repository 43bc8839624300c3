package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ActivationConformance;
import org.junit.jupiter.api.BeforeAll;

class NativeCpuActivationTest extends ActivationConformance {
  @BeforeAll
  static void requireNativeCpu() {
    NativeCpuBackend.assumeAvailable();
  }

  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
