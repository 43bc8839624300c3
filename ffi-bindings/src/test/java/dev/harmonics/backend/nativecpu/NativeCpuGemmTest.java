package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.GemmConformance;
import org.junit.jupiter.api.BeforeAll;

class NativeCpuGemmTest extends GemmConformance {
  @BeforeAll
  static void requireNativeCpu() {
    NativeCpuBackend.assumeAvailable();
  }

  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
