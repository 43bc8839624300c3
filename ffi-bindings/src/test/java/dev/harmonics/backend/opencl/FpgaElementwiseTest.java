package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ElementwiseConformance;

/** The elementwise conformance suite on the FPGA path: programs loaded only from PoCL-built binaries. */
class FpgaElementwiseTest extends ElementwiseConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.fpga();
  }
}
