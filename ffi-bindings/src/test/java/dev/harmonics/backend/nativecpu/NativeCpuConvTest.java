package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ConvConformance;
import org.junit.jupiter.api.BeforeAll;

class NativeCpuConvTest extends ConvConformance {
  @BeforeAll
  static void requireNativeCpu() {
    NativeCpuBackend.assumeAvailable();
  }

  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
