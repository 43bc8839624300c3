package dev.harmonics.backend.cuda.conformance;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.LayoutConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The layout conformance suite on the CUDA backend; skipped with the reason without a GPU. */
@ExtendWith(RequiresCudaDevice.class)
class CudaLayoutTest extends LayoutConformance {

  @Override
  protected KernelProvider candidate() {
    return RequiresCudaDevice.provider();
  }
}
