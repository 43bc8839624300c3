package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.SoftmaxConformance;

/** The softmax conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClSoftmaxTest extends SoftmaxConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
