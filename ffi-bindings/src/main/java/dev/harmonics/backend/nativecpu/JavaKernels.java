package dev.harmonics.backend.nativecpu;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;

/** The Java backend that serves what the C library does not: SIMD where it runs, else reference. */
final class JavaKernels {

  private JavaKernels() {}

  static KernelProvider provider() {
    return KernelProviders.availability(Backend.SIMD).available()
        ? KernelProviders.of(Backend.SIMD) : KernelProviders.of(Backend.REFERENCE);
  }
}
