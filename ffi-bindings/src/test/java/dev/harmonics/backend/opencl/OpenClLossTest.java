package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.LossConformance;

/** The loss conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClLossTest extends LossConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
