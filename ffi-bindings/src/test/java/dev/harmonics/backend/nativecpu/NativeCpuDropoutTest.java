package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.DropoutConformance;
import org.junit.jupiter.api.BeforeAll;

class NativeCpuDropoutTest extends DropoutConformance {
  @BeforeAll
  static void requireNativeCpu() {
    NativeCpuBackend.assumeAvailable();
  }

  @Override
  protected KernelProvider candidate() {
    return NativeCpuBackend.provider();
  }
}
