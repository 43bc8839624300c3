package dev.harmonics.backend.nativecpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch-1 1x1 convolution that native-cpu runs as one C GEMM, against the reference, on odd
 * channel counts and planes (tails in every GEMM dimension), with and without a bias; and the
 * shapes that must stay on the Java path.
 */
class NativeConvTest {

  private static KernelProvider candidate;
  private static KernelProvider reference;

  @BeforeAll
  static void setUp() {
    NativeCpuBackend.assumeAvailable();
    candidate = NativeCpuBackend.provider();
    reference = KernelProviders.of(Backend.REFERENCE);
  }

  @Test
  void pointwiseProductsMatchTheReference() {
    // The last two are large enough to be split over the pool: by rows (130 output channels,
    // each task its slice of the bias) and by columns (40 channels, every task the whole bias).
    int[][] shapes = {{1, 1, 1, 1}, {3, 5, 7, 9}, {64, 33, 11, 13}, {17, 70, 1, 301},
        {5, 129, 20, 20}, {64, 130, 33, 33}, {40, 40, 80, 80}};
    for (int[] s : shapes) {
      for (boolean withBias : new boolean[] {false, true}) {
        check(1, s[0], s[1], s[2], s[3], withBias, Conv2dParams.defaults());
      }
    }
  }

  @Test
  void otherShapesStillMatchTheReference() {
    check(2, 8, 6, 5, 7, true, Conv2dParams.defaults());
    check(1, 8, 6, 9, 7, true, Conv2dParams.of(2, 0));
    check(1, 8, 6, 9, 7, false, Conv2dParams.of(1, 1));
    check(1, 8, 6, 9, 7, true, Conv2dParams.defaults().withGroups(2));
  }

  @Test
  void onlyBatchOneUnpaddedUnitStrideUngroupedOneByOneIsOneProduct() {
    try (Tensor x1 = Tensor.zeros(1, 4, 5, 5); Tensor x2 = Tensor.zeros(2, 4, 5, 5);
        Tensor w1 = Tensor.zeros(8, 4, 1, 1); Tensor w3 = Tensor.zeros(8, 4, 3, 3)) {
      assertTrue(NativeConv.onePointwiseProduct(x1, w1, Conv2dParams.defaults()));
      assertFalse(NativeConv.onePointwiseProduct(x2, w1, Conv2dParams.defaults()));
      assertFalse(NativeConv.onePointwiseProduct(x1, w3, Conv2dParams.defaults()));
      assertFalse(NativeConv.onePointwiseProduct(x1, w1, Conv2dParams.of(2, 0)));
      assertFalse(NativeConv.onePointwiseProduct(x1, w1, Conv2dParams.of(1, 1)));
      assertFalse(
          NativeConv.onePointwiseProduct(x1, w1, Conv2dParams.defaults().withGroups(2)));
    }
  }

  private static void check(int n, int c, int o, int h, int w, boolean withBias,
      Conv2dParams params) {
    RandomTensors random = new RandomTensors(31L * c + o + h * w);
    int groups = params.groups();
    int kernel = params.padH() > 0 ? 3 : 1;
    try (Tensor x = random.uniform(-1f, 1f, n, c, h, w);
        Tensor weight = random.uniform(-1f, 1f, o, c / groups, kernel, kernel);
        Tensor bias = withBias ? random.uniform(-1f, 1f, o) : null) {
      int oh = params.outputHeight(h, kernel);
      int ow = params.outputWidth(w, kernel);
      try (Tensor expected = Tensor.zeros(n, o, oh, ow);
          Tensor actual = Tensor.zeros(n, o, oh, ow)) {
        actual.fill(Float.NaN);
        reference.conv().conv2dForward(x, weight, bias, params, expected);
        candidate.conv().conv2dForward(x, weight, bias, params, actual);
        TensorAssertions.assertClose(expected, actual, 1e-4, 1e-4,
            "conv " + n + "x" + c + "x" + h + "x" + w + " -> " + o + " with " + params
                + (withBias ? ", bias" : ""));
      }
    }
  }
}
