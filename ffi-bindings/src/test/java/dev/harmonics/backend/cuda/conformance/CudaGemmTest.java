package dev.harmonics.backend.cuda.conformance;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.GemmConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gemm conformance suite on the CUDA backend; skipped with the reason without a GPU. */
@ExtendWith(RequiresCudaDevice.class)
class CudaGemmTest extends GemmConformance {

  @Override
  protected KernelProvider candidate() {
    return RequiresCudaDevice.provider();
  }
}
