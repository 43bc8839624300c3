package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ElementwiseConformance;

/** The elementwise conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClElementwiseTest extends ElementwiseConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
