package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.SoftmaxConformance;

/** The softmax conformance suite on the FPGA path: programs loaded only from PoCL-built binaries. */
class FpgaSoftmaxTest extends SoftmaxConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.fpga();
  }
}
