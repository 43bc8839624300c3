package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.GemmConformance;

/** The gemm conformance suite on the FPGA path: programs loaded only from PoCL-built binaries. */
class FpgaGemmTest extends GemmConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.fpga();
  }
}
