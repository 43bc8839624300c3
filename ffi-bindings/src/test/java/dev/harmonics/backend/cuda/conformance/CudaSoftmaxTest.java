package dev.harmonics.backend.cuda.conformance;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.SoftmaxConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The softmax conformance suite on the CUDA backend; skipped with the reason without a GPU. */
@ExtendWith(RequiresCudaDevice.class)
class CudaSoftmaxTest extends SoftmaxConformance {

  @Override
  protected KernelProvider candidate() {
    return RequiresCudaDevice.provider();
  }
}
