package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.QuantConformance;

/** The quant conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClQuantTest extends QuantConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
