package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.EmbeddingConformance;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The conformance suite run on the reference itself, plus a small example worked by hand. */
class ReferenceEmbeddingTest extends EmbeddingConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  @Test
  void lookupAndBackwardOfThreeRows() {
    try (Tensor table = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor indices = Tensor.ofInts(new int[] {2, 0, 2, 2}, 2, 2);
        Tensor out = Tensor.zeros(2, 2, 2); Tensor dtable = Tensor.zeros(3, 2)) {
      candidate().embedding().lookup(table, indices, out);
      assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6, 5, 6}, out.toFloatArray());
      candidate().embedding().backward(indices, out, dtable);
      assertArrayEquals(new float[] {1, 2, 0, 0, 15, 18}, dtable.toFloatArray());
    }
  }
}
