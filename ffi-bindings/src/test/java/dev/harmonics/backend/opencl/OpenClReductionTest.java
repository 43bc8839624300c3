package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ReductionConformance;

/** The reduction conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClReductionTest extends ReductionConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
