package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.NormConformance;
import org.junit.jupiter.api.BeforeAll;

class NativeCpuNormTest extends NormConformance {
  @BeforeAll
  static void requireNativeCpu() {
    NativeCpuBackend.assumeAvailable();
  }

  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
