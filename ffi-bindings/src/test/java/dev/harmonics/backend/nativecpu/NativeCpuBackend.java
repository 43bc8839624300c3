package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
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

  /**
   * The native provider with every call of a C kernel sent to C, however small: the conformance
   * suites use mostly small shapes, which the default provider would hand to the Java backend
   * ({@link SmallCalls}); {@link NativeCpuSmallCallsTest} covers that routing.
   */
  static KernelProvider provider() {
    return new NativeCpuProvider(NativeKernels.load(), JavaKernels.provider(), new SmallCalls(0));
  }
}
