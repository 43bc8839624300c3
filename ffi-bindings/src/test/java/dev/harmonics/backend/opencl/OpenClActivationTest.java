package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ActivationConformance;

/** The activation conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClActivationTest extends ActivationConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
