package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.OptimizerConformance;

/** The optimizer conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClOptimizerTest extends OptimizerConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
