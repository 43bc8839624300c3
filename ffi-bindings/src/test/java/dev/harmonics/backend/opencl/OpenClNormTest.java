package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.NormConformance;

/** The norm conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClNormTest extends NormConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
