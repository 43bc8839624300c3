package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.DropoutConformance;

/** The dropout conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClDropoutTest extends DropoutConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
