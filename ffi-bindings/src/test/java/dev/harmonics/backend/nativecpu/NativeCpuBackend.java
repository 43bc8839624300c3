package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import org.junit.jupiter.api.Assumptions;

/** The native CPU provider for the test classes, and the skip (with the reason) when it is absent. */
final class NativeCpuBackend {

  private NativeCpuBackend() {}

  /** Skips the calling test class, saying why, when libharmonics_native cannot load here. */
  static void assumeAvailable() {
    var availability = KernelProviders.availability(Backend.NATIVE_CPU);
    Assumptions.assumeTrue(availability.available(), availability.reason());
  }

  static KernelProvider provider() {
    return KernelProviders.of(Backend.NATIVE_CPU);
  }
}
