package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.FarBelowTheMaximum;
import dev.harmonics.kernel.conformance.SoftmaxConformance;
import org.junit.jupiter.api.Test;

class SimdSoftmaxTest extends SoftmaxConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.SIMD);
  }

  /** Rows of one partial vector, of a few vectors, and longer than one summing block. */
  @Test
  void farBelowTheMaximumIsExactlyZero() {
    for (int[] s : new int[][] {{64, 10}, {16, 100}, {4, 1000}, {3, SoftmaxRows.BLOCK + 37}}) {
      FarBelowTheMaximum.check(candidate().softmax(), s[0], s[1], "simd " + s[0] + "x" + s[1]);
    }
  }
}
