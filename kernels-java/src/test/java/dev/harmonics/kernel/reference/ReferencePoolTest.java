package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.PoolConformance;

/**
 * The reference pooling kernels checked on their own: finite differences, the hand-computed
 * examples, NaN propagation and validation (the comparisons with itself are trivially equal).
 */
class ReferencePoolTest extends PoolConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }
}
