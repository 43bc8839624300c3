package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ConvConformance;

/** The conv conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClConvTest extends ConvConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
