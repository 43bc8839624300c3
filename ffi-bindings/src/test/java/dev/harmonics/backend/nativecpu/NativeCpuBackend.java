package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import org.junit.jupiter.api.Assumptions;

/** The native CPU provider for the conformance suites, or a skip that says why it cannot run. */
final class NativeCpuBackend {

  private NativeCpuBackend() {}

  static KernelProvider provider() {
    var availability = KernelProviders.availability(Backend.NATIVE_CPU);
    Assumptions.assumeTrue(availability.available(), availability.reason());
    return KernelProviders.of(Backend.NATIVE_CPU);
  }
}
