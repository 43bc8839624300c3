package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.EmbeddingConformance;

/** The embedding conformance suite on the OpenCL backend (PoCL's CPU device here). */
class OpenClEmbeddingTest extends EmbeddingConformance {
  @Override
  protected KernelProvider candidate() {
    return OpenClTesting.openCl();
  }
}
