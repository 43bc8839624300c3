package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.ActivationConformance;

/** The activation conformance suite on the FPGA path: programs loaded only from PoCL-built binaries. */
class FpgaActivationTest extends ActivationConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.fpga();
  }
}
