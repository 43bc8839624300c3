package dev.harmonics.bench.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harmonics.bench.Work;
import dev.harmonics.ffi.openblas.OpenBlas;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The im2col + OpenBLAS baseline computes the same convolution as the reference kernel, so the
 * benchmark compares the SIMD kernel with a correct baseline: padding, stride 2, 1x1, groups and a
 * batch above 1. Layers whose reference call takes long are left out (the test stays a few
 * seconds).
 */
class Im2colOpenBlasTest {

  /** Float sums of up to 576 products of values in [-1, 1], in different orders. */
  private static final double TOLERANCE = 2e-4;

  @ParameterizedTest
  @CsvSource({"FASHION_1_32_28, 1", "FASHION_1_32_28, 3", "FASHION_32_64_14, 2",
      "DEPTHWISE_128_28, 2", "RESNET_64_56_S2, 1"})
  void matchesTheReferenceKernel(String layer, int batch) {
    assumeTrue(OpenBlas.availability().available(),
        "OpenBLAS did not load: " + OpenBlas.availability().reason());
    try (ConvRun reference = new ConvRun("reference", layer, batch);
        ConvRun baseline = new ConvRun(ConvRun.IM2COL_OPENBLAS, layer, batch)) {
      float[] expected = reference.forward(new Work()).toFloatArray();
      // Twice: the second call must not depend on what the first left in the column buffer.
      baseline.forward(new Work());
      float[] actual = baseline.forward(new Work()).toFloatArray();
      assertEquals(expected.length, actual.length);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])),
            layer + " element " + i);
      }
    }
  }
}
