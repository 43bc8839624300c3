package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.kernel.ConvTranspose2dParams;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite of {@link ConvKernels}: the candidate against the reference on hand-picked
 * and random configurations (odd sizes, strides 1 to 3, padding 0 to 2, dilation 1 and 2, groups
 * 1, 2 and depthwise, square and non-square kernels, batch 1 and 3), gradient checks of every
 * backward kernel against float64 finite differences, NaN propagation, argument validation and a
 * hand-computed example.
 */
public abstract class ConvConformance extends KernelConformanceTest {

  /**
   * Sums of up to a few hundred float products of values in [-1, 1): float32 accumulation in
   * another order than the reference's double sum differs by a few ulps of the partial sums.
   */
  private static final double ABS = 1e-4;
  private static final double REL = 1e-4;

  /** Weight and bias gradients sum over every image and position: thousands of terms. */
  private static final double WEIGHT_ABS = 5e-4;

  /**
   * Convolution is linear in each argument, so central differences have no truncation error; what
   * remains is the float32 rounding of the forward pass divided by the step.
   */
  private static final double GRAD_STEP = 0.05;
  private static final double GRAD_ABS = 2e-3;
  private static final double GRAD_REL = 2e-3;

  static List<ConvCase> cases() {
    return ConvCase.cases(30);
  }

  private ConvKernels conv() {
    return candidate().conv();
  }

  private ConvKernels oracle() {
    return reference().conv();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesReference(ConvCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor x = random.uniform(k.xShape());
        Tensor w = random.uniform(k.wShape());
        Tensor bias = random.uniform(k.o());
        Tensor expected = Tensor.zeros(k.yShape());
        Tensor actual = Tensor.zeros(k.yShape())) {
      oracle().conv2dForward(x, w, bias, k.params(), expected);
      actual.fill(Float.NaN);
      conv().conv2dForward(x, w, bias, k.params(), actual);
      TensorAssertions.assertClose(expected, actual, ABS, REL, "conv2dForward " + k);
      oracle().conv2dForward(x, w, null, k.params(), expected);
      conv().conv2dForward(x, w, null, k.params(), actual);
      TensorAssertions.assertClose(expected, actual, ABS, REL, "conv2dForward no bias " + k);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void backwardInputMatchesReference(ConvCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor dy = random.uniform(k.yShape());
        Tensor w = random.uniform(k.wShape());
        Tensor expected = Tensor.zeros(k.xShape());
        Tensor actual = Tensor.zeros(k.xShape())) {
      oracle().conv2dBackwardInput(dy, w, k.params(), expected);
      actual.fill(Float.NaN);
      conv().conv2dBackwardInput(dy, w, k.params(), actual);
      TensorAssertions.assertClose(expected, actual, ABS, REL, "conv2dBackwardInput " + k);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void backwardWeightMatchesReference(ConvCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor x = random.uniform(k.xShape());
        Tensor dy = random.uniform(k.yShape());
        Tensor expectedW = Tensor.zeros(k.wShape());
        Tensor actualW = Tensor.zeros(k.wShape());
        Tensor expectedB = Tensor.zeros(k.o());
        Tensor actualB = Tensor.zeros(k.o())) {
      oracle().conv2dBackwardWeight(x, dy, k.params(), expectedW, expectedB);
      actualW.fill(Float.NaN);
      actualB.fill(Float.NaN);
      conv().conv2dBackwardWeight(x, dy, k.params(), actualW, actualB);
      TensorAssertions.assertClose(expectedW, actualW, WEIGHT_ABS, REL,
          "conv2dBackwardWeight dw " + k);
      TensorAssertions.assertClose(expectedB, actualB, WEIGHT_ABS, REL,
          "conv2dBackwardWeight dbias " + k);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void transposeForwardMatchesReference(ConvCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor x = random.uniform(k.xShape());
        Tensor w = random.uniform(k.transposeWShape());
        Tensor bias = random.uniform(k.o());
        Tensor expected = Tensor.zeros(k.transposeYShape());
        Tensor actual = Tensor.zeros(k.transposeYShape())) {
      oracle().convTranspose2dForward(x, w, bias, k.transposeParams(), expected);
      actual.fill(Float.NaN);
      conv().convTranspose2dForward(x, w, bias, k.transposeParams(), actual);
      TensorAssertions.assertClose(expected, actual, ABS, REL, "convTranspose2dForward " + k);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void transposeBackwardMatchesReference(ConvCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor x = random.uniform(k.xShape());
        Tensor w = random.uniform(k.transposeWShape());
        Tensor dy = random.uniform(k.transposeYShape());
        Tensor expectedX = Tensor.zeros(k.xShape());
        Tensor actualX = Tensor.zeros(k.xShape());
        Tensor expectedW = Tensor.zeros(k.transposeWShape());
        Tensor actualW = Tensor.zeros(k.transposeWShape());
        Tensor expectedB = Tensor.zeros(k.o());
        Tensor actualB = Tensor.zeros(k.o())) {
      ConvTranspose2dParams p = k.transposeParams();
      oracle().convTranspose2dBackwardInput(dy, w, p, expectedX);
      actualX.fill(Float.NaN);
      conv().convTranspose2dBackwardInput(dy, w, p, actualX);
      TensorAssertions.assertClose(expectedX, actualX, ABS, REL,
          "convTranspose2dBackwardInput " + k);
      oracle().convTranspose2dBackwardWeight(x, dy, p, expectedW, expectedB);
      actualW.fill(Float.NaN);
      actualB.fill(Float.NaN);
      conv().convTranspose2dBackwardWeight(x, dy, p, actualW, actualB);
      TensorAssertions.assertClose(expectedW, actualW, WEIGHT_ABS, REL,
          "convTranspose2dBackwardWeight dw " + k);
      TensorAssertions.assertClose(expectedB, actualB, WEIGHT_ABS, REL,
          "convTranspose2dBackwardWeight dbias " + k);
    }
  }

  /** Small shapes for the finite-difference checks: strided, padded, dilated, grouped. */
  static List<ConvCase> gradientCases() {
    return List.of(
        ConvCase.of(2, 3, 5, 4, 4, 3, 3, Conv2dParams.of(1, 1)),
        new ConvCase(1, 4, 7, 6, 6, 3, 2, new Conv2dParams(2, 1, 1, 2, 1, 2, 2), 1, 1),
        new ConvCase(2, 3, 6, 6, 3, 3, 3, Conv2dParams.of(2, 1).withGroups(3), 1, 0),
        new ConvCase(1, 2, 5, 5, 3, 2, 2, Conv2dParams.of(3, 0).withDilation(2), 1, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gradientCases")
  void convGradientsMatchFiniteDifferences(ConvCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    Conv2dParams p = k.params();
    try (Tensor x = random.uniform(k.xShape());
        Tensor w = random.uniform(k.wShape());
        Tensor bias = random.uniform(k.o());
        Tensor up = random.uniform(k.yShape());
        Tensor y = Tensor.zeros(k.yShape());
        Tensor dx = Tensor.zeros(k.xShape());
        Tensor dw = Tensor.zeros(k.wShape());
        Tensor db = Tensor.zeros(k.o())) {
      conv().conv2dBackwardInput(up, w, p, dx);
      conv().conv2dBackwardWeight(x, up, p, dw, db);
      Consumer<Tensor> forward = unused -> conv().conv2dForward(x, w, bias, p, y);
      check(x, forward, y, up, dx, "dx " + k);
      check(w, forward, y, up, dw, "dw " + k);
      check(bias, forward, y, up, db, "dbias " + k);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gradientCases")
  void transposeGradientsMatchFiniteDifferences(ConvCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    ConvTranspose2dParams p = k.transposeParams();
    try (Tensor x = random.uniform(k.xShape());
        Tensor w = random.uniform(k.transposeWShape());
        Tensor bias = random.uniform(k.o());
        Tensor up = random.uniform(k.transposeYShape());
        Tensor y = Tensor.zeros(k.transposeYShape());
        Tensor dx = Tensor.zeros(k.xShape());
        Tensor dw = Tensor.zeros(k.transposeWShape());
        Tensor db = Tensor.zeros(k.o())) {
      conv().convTranspose2dBackwardInput(up, w, p, dx);
      conv().convTranspose2dBackwardWeight(x, up, p, dw, db);
      Consumer<Tensor> forward = unused -> conv().convTranspose2dForward(x, w, bias, p, y);
      check(x, forward, y, up, dx, "transposed dx " + k);
      check(w, forward, y, up, dw, "transposed dw " + k);
      check(bias, forward, y, up, db, "transposed dbias " + k);
    }
  }

  /** d(sum(y * up)) / d(input) by central differences against {@code analytic}. */
  private static void check(Tensor input, Consumer<Tensor> forward, Tensor y, Tensor up,
      Tensor analytic, String what) {
    GradientCheck.assertUpstreamGradient(input, forward, y, up, analytic, GRAD_STEP, GRAD_ABS,
        GRAD_REL, what);
  }

  /**
   * Input {@code 1..9} as a 3x3 image, kernel {@code [[1, 0], [0, -1]]}, bias 0.5, padding 1,
   * stride 2: output {@code (i, j)} is {@code x[2i-1][2j-1] - x[2i][2j] + 0.5} with zeros outside.
   */
  @Test
  void handComputedExample() {
    try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = Tensor.of(new float[] {1, 0, 0, -1}, 1, 1, 2, 2);
        Tensor bias = Tensor.of(new float[] {0.5f}, 1);
        Tensor y = Tensor.zeros(1, 1, 2, 2);
        Tensor dx = Tensor.zeros(1, 1, 3, 3);
        Tensor dw = Tensor.zeros(1, 1, 2, 2);
        Tensor db = Tensor.zeros(1);
        Tensor ones = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2)) {
      Conv2dParams p = Conv2dParams.of(2, 1);
      conv().conv2dForward(x, w, bias, p, y);
      // (0,0): 0 - 1; (0,1): 0 - 3; (1,0): 0 - 7; (1,1): 5 - 9; each + 0.5
      TensorAssertions.assertClose(new float[] {-0.5f, -2.5f, -6.5f, -3.5f}, y.toFloatArray(),
          0, 0, "forward");
      conv().conv2dBackwardInput(ones, w, p, dx);
      // x[1][1] is tap (0,0) of output (1,1); x[0][0], x[0][2], x[2][0], x[2][2] are tap (1,1)
      TensorAssertions.assertClose(new float[] {-1, 0, -1, 0, 1, 0, -1, 0, -1},
          dx.toFloatArray(), 0, 0, "backward input");
      conv().conv2dBackwardWeight(x, ones, p, dw, db);
      // tap (0,0) meets x[1][1] only; tap (1,1) meets 1 + 3 + 7 + 9; taps (0,1), (1,0) meet
      // x[1][0] + x[1][2] = 4 + 6 and x[0][1] + x[2][1] = 2 + 8
      TensorAssertions.assertClose(new float[] {5, 10, 10, 20}, dw.toFloatArray(), 0, 0,
          "backward weight");
      assertEquals(4f, db.toFloatArray()[0]);
    }
  }

  /**
   * A 2x2 input, a 2x2 kernel, stride 2 and output padding 1: the transposed convolution pastes a
   * scaled copy of the kernel per input element into non-overlapping 2x2 blocks of a 5x5 output
   * whose last row and column only hold the bias.
   */
  @Test
  void handComputedTransposedExample() {
    try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor w = Tensor.of(new float[] {1, 10, 100, 1000}, 1, 1, 2, 2);
        Tensor bias = Tensor.of(new float[] {-1}, 1);
        Tensor y = Tensor.zeros(1, 1, 5, 5)) {
      ConvTranspose2dParams p = new ConvTranspose2dParams(Conv2dParams.of(2, 0), 1, 1);
      conv().convTranspose2dForward(x, w, bias, p, y);
      TensorAssertions.assertClose(new float[] {
          0, 9, 1, 19, -1,
          99, 999, 199, 1999, -1,
          2, 29, 3, 39, -1,
          299, 2999, 399, 3999, -1,
          -1, -1, -1, -1, -1}, y.toFloatArray(), 0, 0, "transposed forward");
    }
  }

  /** A NaN input poisons exactly the outputs whose window covers it, in every kernel. */
  @Test
  void nanPropagatesToTheOutputsThatReadIt() {
    ConvCase k = ConvCase.of(1, 2, 7, 9, 3, 3, 3, Conv2dParams.of(1, 1));
    RandomTensors random = new RandomTensors(SEED);
    try (Tensor x = random.uniform(k.xShape());
        Tensor w = random.uniform(k.wShape());
        Tensor dy = random.uniform(k.yShape());
        Tensor y = Tensor.zeros(k.yShape());
        Tensor expected = Tensor.zeros(k.yShape());
        Tensor dx = Tensor.zeros(k.xShape());
        Tensor expectedDx = Tensor.zeros(k.xShape());
        Tensor dw = Tensor.zeros(k.wShape());
        Tensor expectedDw = Tensor.zeros(k.wShape())) {
      x.set(Float.NaN, 0, 1, 3, 4);
      x.set(Float.POSITIVE_INFINITY, 0, 0, 0, 8);
      conv().conv2dForward(x, w, null, k.params(), y);
      oracle().conv2dForward(x, w, null, k.params(), expected);
      TensorAssertions.assertClose(expected, y, ABS, REL, "forward with NaN");
      assertTrue(Float.isNaN(y.get(0, 0, 3, 4)) && Float.isNaN(y.get(0, 2, 2, 3)));
      assertFalse(Float.isNaN(y.get(0, 0, 0, 0)) || Float.isNaN(y.get(0, 1, 6, 8)));

      dy.set(Float.NaN, 0, 2, 0, 0);
      conv().conv2dBackwardInput(dy, w, k.params(), dx);
      oracle().conv2dBackwardInput(dy, w, k.params(), expectedDx);
      TensorAssertions.assertClose(expectedDx, dx, ABS, REL, "backward input with NaN");
      assertTrue(Float.isNaN(dx.get(0, 1, 1, 1)));
      assertFalse(Float.isNaN(dx.get(0, 1, 2, 2)));

      x.set(1f, 0, 1, 3, 4);
      conv().conv2dBackwardWeight(x, dy, k.params(), dw, null);
      oracle().conv2dBackwardWeight(x, dy, k.params(), expectedDw, null);
      TensorAssertions.assertClose(expectedDw, dw, WEIGHT_ABS, REL, "backward weight with NaN");
    }
  }

  /**
   * An infinite input, on a row other outputs wrap past, reaches only the taps that meet it (with
   * few and with many output channels, which the SIMD backend computes in different ways).
   */
  @Test
  void infinityReachesOnlyTheWeightsThatMeetIt() {
    for (int outs : new int[] {2, 16}) {
      ConvCase k = ConvCase.of(2, 1, 5, 6, outs, 3, 3, Conv2dParams.defaults());
      RandomTensors random = new RandomTensors(SEED + outs);
      try (Tensor x = random.uniform(k.xShape());
          Tensor dy = random.uniform(k.yShape());
          Tensor dw = Tensor.zeros(k.wShape());
          Tensor expected = Tensor.zeros(k.wShape())) {
        x.set(Float.POSITIVE_INFINITY, 0, 0, 2, 5);
        conv().conv2dBackwardWeight(x, dy, k.params(), dw, null);
        oracle().conv2dBackwardWeight(x, dy, k.params(), expected, null);
        TensorAssertions.assertClose(expected, dw, WEIGHT_ABS, REL, "weight gradient with inf");
        assertFalse(Float.isNaN(dw.get(1, 0, 1, 0)), "tap (1, 0) never reads column 5");
      }
    }
  }

  @Test
  void rejectsAWeightWithTheWrongChannelCount() {
    try (Tensor x = Tensor.zeros(1, 8, 5, 5);
        Tensor w = Tensor.zeros(4, 3, 3, 3);
        Tensor y = Tensor.zeros(1, 4, 3, 3)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> conv().conv2dForward(x, w, null, Conv2dParams.defaults().withGroups(2), y));
      assertEquals("w: float32[4, 3, 3, 3] (expected: [O, 4, KH, KW], that is C/groups = 8/2 "
          + "input channels per group, to match x: float32[1, 8, 5, 5])", e.getMessage());
    }
  }

  @Test
  void rejectsGroupsThatDoNotDivideTheChannels() {
    try (Tensor x = Tensor.zeros(1, 8, 5, 5);
        Tensor w = Tensor.zeros(6, 2, 3, 3);
        Tensor y = Tensor.zeros(1, 6, 3, 3)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> conv().conv2dForward(x, w, null, Conv2dParams.defaults().withGroups(3), y));
      assertEquals("params.groups: 3 (expected: a divisor of the 8 channels of x: "
          + "float32[1, 8, 5, 5])", e.getMessage());
    }
    try (Tensor x = Tensor.zeros(1, 4, 5, 5);
        Tensor w = Tensor.zeros(3, 2, 3, 3);
        Tensor y = Tensor.zeros(1, 3, 3, 3)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> conv().conv2dForward(x, w, null, Conv2dParams.defaults().withGroups(2), y));
      assertTrue(e.getMessage().startsWith("params.groups: 2 (expected: a divisor of the 3 output"
          + " channels of w"), e.getMessage());
    }
  }

  @Test
  void rejectsAnOutputOfTheWrongShape() {
    try (Tensor x = Tensor.zeros(2, 3, 7, 7);
        Tensor w = Tensor.zeros(4, 3, 3, 3);
        Tensor y = Tensor.zeros(2, 4, 7, 7)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> conv().conv2dForward(x, w, null, Conv2dParams.of(2, 1), y));
      assertEquals("y: float32[2, 4, 7, 7] (expected: [2, 4, 4, 4] for x: float32[2, 3, 7, 7], "
          + "w: float32[4, 3, 3, 3] and Conv2dParams[strideH=2, strideW=2, padH=1, padW=1, "
          + "dilationH=1, dilationW=1, groups=1])", e.getMessage());
    }
  }

  @Test
  void rejectsBadArgumentsOfEveryKernel() {
    try (Tensor x = Tensor.zeros(1, 2, 5, 5);
        Tensor w = Tensor.zeros(3, 2, 3, 3);
        Tensor y = Tensor.zeros(1, 3, 3, 3);
        Tensor badBias = Tensor.zeros(2);
        Tensor rank3 = Tensor.zeros(2, 5, 5);
        Tensor tw = Tensor.zeros(2, 3, 3, 3);
        Tensor ty = Tensor.zeros(1, 3, 7, 7)) {
      Conv2dParams p = Conv2dParams.defaults();
      ConvTranspose2dParams tp = ConvTranspose2dParams.of(p);
      assertMessage("bias: float32[2] (expected: [3] to match w: float32[3, 2, 3, 3])",
          () -> conv().conv2dForward(x, w, badBias, p, y));
      assertMessage("x: float32[2, 5, 5] (expected: a float32 [N, C, H, W] tensor)",
          () -> conv().conv2dForward(rank3, w, null, p, y));
      assertMessage("x: float32[1, 2, 5, 5] (strided view) (expected: a contiguous tensor; "
          + "call contiguous() first)",
          () -> conv().conv2dForward(x.transpose(2, 3).slice(3, 0, 5), w, null, p, y));
      assertMessage("dy: float32[1, 2, 5, 5] (expected: [1, 3, 3, 3] for dx: "
          + "float32[1, 2, 5, 5], w: float32[3, 2, 3, 3] and " + p + ")",
          () -> conv().conv2dBackwardInput(x, w, p, x));
      assertMessage("dbias: float32[2] (expected: [3] to match dw: float32[3, 2, 3, 3])",
          () -> conv().conv2dBackwardWeight(x, y, p, w, badBias));
      assertMessage("params: null (expected: Conv2dParams)",
          () -> conv().conv2dForward(x, w, null, null, y));
      assertMessage("w: float32[3, 2, 3, 3] (expected: [2, O/groups, KH, KW] to match the 2 "
          + "channels of x: float32[1, 2, 5, 5])",
          () -> conv().convTranspose2dForward(x, w, null, tp, ty));
      assertMessage("y: float32[1, 3, 3, 3] (expected: [1, 3, 7, 7] for x: float32[1, 2, 5, 5],"
          + " w: float32[2, 3, 3, 3] and " + tp + ")",
          () -> conv().convTranspose2dForward(x, tw, null, tp, y));
      assertMessage("input height 5 with padding 0 is smaller than the dilated kernel height 7 "
          + "(expected: input + 2 * pad >= dilation * (kernel - 1) + 1)",
          () -> conv().conv2dForward(x, w, null, p.withDilation(3), y));
    }
  }

  @Test
  void paramsRejectOutOfRangeValues() {
    assertMessage("strideH: 0 (expected: >= 1)", () -> new Conv2dParams(0, 1, 0, 0, 1, 1, 1));
    assertMessage("padW: -1 (expected: >= 0)", () -> new Conv2dParams(1, 1, 0, -1, 1, 1, 1));
    assertMessage("outputPadH: 2 (expected: 0 <= outputPadH < max(stride, dilation) = 2)",
        () -> new ConvTranspose2dParams(Conv2dParams.of(2, 0), 2, 0));
    assertEquals(28, Conv2dParams.of(1, 1).outputHeight(28, 3));
    assertEquals(14, Conv2dParams.of(2, 1).outputWidth(28, 3));
    assertEquals(56, ConvTranspose2dParams.of(Conv2dParams.of(2, 0)).outputHeight(28, 2));
  }

  @Test
  void anEmptyBatchIsANoOpThatStillClearsTheWeightGradient() {
    try (Tensor x = Tensor.zeros(0, 2, 5, 5);
        Tensor w = Tensor.zeros(3, 2, 3, 3);
        Tensor y = Tensor.zeros(0, 3, 3, 3);
        Tensor dw = Tensor.zeros(3, 2, 3, 3);
        Tensor db = Tensor.zeros(3)) {
      conv().conv2dForward(x, w, null, Conv2dParams.defaults(), y);
      dw.fill(7f);
      db.fill(7f);
      conv().conv2dBackwardWeight(x, y, Conv2dParams.defaults(), dw, db);
      TensorAssertions.assertClose(new float[dw.size()], dw.toFloatArray(), 0, 0, "dw");
      TensorAssertions.assertClose(new float[3], db.toFloatArray(), 0, 0, "dbias");
    }
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(expected, e.getMessage());
  }
}
