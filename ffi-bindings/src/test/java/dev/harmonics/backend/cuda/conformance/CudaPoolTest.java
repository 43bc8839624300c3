package dev.harmonics.backend.cuda.conformance;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.PoolConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pool conformance suite on the CUDA backend; skipped with the reason without a GPU. */
@ExtendWith(RequiresCudaDevice.class)
class CudaPoolTest extends PoolConformance {

  @Override
  protected KernelProvider candidate() {
    return RequiresCudaDevice.provider();
  }
}
