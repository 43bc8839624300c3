package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.SoftmaxConformance;

/** The conformance suite on the reference itself: its hand-computed and gradient checks. */
class ReferenceSoftmaxTest extends SoftmaxConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }
}
