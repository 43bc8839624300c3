package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.GemmConformance;

/** The gemm conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClGemmTest extends GemmConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
