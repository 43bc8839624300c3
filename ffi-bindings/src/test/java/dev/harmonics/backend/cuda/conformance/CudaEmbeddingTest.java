package dev.harmonics.backend.cuda.conformance;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.EmbeddingConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedding conformance suite on the CUDA backend; skipped with the reason without a GPU. */
@ExtendWith(RequiresCudaDevice.class)
class CudaEmbeddingTest extends EmbeddingConformance {

  @Override
  protected KernelProvider candidate() {
    return RequiresCudaDevice.provider();
  }
}
