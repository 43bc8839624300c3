package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.PoolConformance;

/** The pool conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClPoolTest extends PoolConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
