package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.LayoutConformance;

/** The layout conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClLayoutTest extends LayoutConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
