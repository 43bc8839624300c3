package dev.harmonics.testing;

import dev.harmonics.kernel.KernelBackend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;

/**
 * Base of every family's conformance suite. The reference backend is the oracle; a backend's test
 * class extends a family suite and names itself in {@link #candidate()}. New backends (native CPU,
 * OpenCL, CUDA) reuse the same suites through this module's test jar.
 */
public abstract class KernelConformanceTest {

  protected static final long SEED = 0x5eed_2026L;

  /** The backend under test. */
  protected abstract KernelProvider candidate();

  protected final KernelProvider reference() {
    return KernelProviders.of(KernelBackend.REFERENCE);
  }
}
