package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite of {@link PoolKernels}: the candidate against the reference on hand-picked
 * and random window geometries (odd sizes, strides 1 to 3, padding, dilation, ceil mode, both
 * divisor rules, vector-tail widths), gradient checks against float64 finite differences, NaN
 * propagation, argument validation and hand-computed examples.
 */
public abstract class PoolConformance extends KernelConformanceTest {

  /** Averages of at most a few dozen floats: a few ulps apart from the double reference. */
  private static final double ABS = 1e-6;
  private static final double REL = 1e-5;

  /** Global averages sum up to 100k floats in float32 lanes. */
  private static final double GLOBAL_ABS = 1e-5;
  private static final double GLOBAL_REL = 1e-4;

  /** Pooling is piecewise linear; the step stays below the gap between distinct inputs. */
  private static final double GRAD_STEP = 1e-3;
  private static final double GRAD_ABS = 2e-3;
  private static final double GRAD_REL = 2e-3;

  /** One pooling configuration: input {@code [n, c, h, w]} and window parameters. */
  record PoolCase(int n, int c, int h, int w, Pool2dParams p) {
    int[] xShape() {
      return new int[] {n, c, h, w};
    }

    int[] yShape() {
      return new int[] {n, c, p.outputHeight(h), p.outputWidth(w)};
    }

    @Override
    public String toString() {
      return "x[" + n + "," + c + "," + h + "," + w + "] k=" + p.kernelH() + "x" + p.kernelW()
          + " s=" + p.strideH() + "," + p.strideW() + " p=" + p.padH() + "," + p.padW()
          + " d=" + p.dilationH() + "," + p.dilationW() + (p.ceilMode() ? " ceil" : "")
          + (p.countIncludePad() ? " include-pad" : "");
    }
  }

  private static final int[] SIZES = {1, 5, 7, 13, 28};

  static List<PoolCase> cases() {
    List<PoolCase> cases = new ArrayList<>();
    cases.add(new PoolCase(1, 1, 1, 1, Pool2dParams.of(1, 1)));
    cases.add(new PoolCase(2, 16, 56, 56, Pool2dParams.of(3, 2, 1)));
    cases.add(new PoolCase(1, 3, 28, 28, Pool2dParams.of(2, 2)));
    cases.add(new PoolCase(3, 2, 13, 13, Pool2dParams.of(3, 1, 1).withCountIncludePad(false)));
    cases.add(new PoolCase(1, 2, 7, 7, Pool2dParams.of(2, 2).withCeilMode(true)));
    cases.add(new PoolCase(1, 2, 9, 12, new Pool2dParams(3, 2, 1, 3, 1, 1, 2, 2, true, false)));
    for (int width : RandomTensors.AWKWARD_LENGTHS) {
      if (width <= 702) {
        cases.add(new PoolCase(1, 2, 3, width, Pool2dParams.of(3, 1, 1)));
        if (width > 1) {
          cases.add(new PoolCase(1, 1, 2, width, Pool2dParams.of(2, 2).withCeilMode(true)));
        }
      }
    }
    SplittableRandom random = new SplittableRandom(0x900L);
    while (cases.size() < 70) {
      int kh = 1 + random.nextInt(3);
      int kw = 1 + random.nextInt(3);
      int dh = 1 + random.nextInt(2);
      int dw = 1 + random.nextInt(2);
      try {
        Pool2dParams p = new Pool2dParams(kh, kw, 1 + random.nextInt(3), 1 + random.nextInt(3),
            random.nextInt(((kh - 1) * dh + 1) / 2 + 1),
            random.nextInt(((kw - 1) * dw + 1) / 2 + 1),
            dh, dw, random.nextBoolean(), random.nextBoolean());
        PoolCase k = new PoolCase(random.nextBoolean() ? 1 : 3, 1 + random.nextInt(4),
            SIZES[random.nextInt(SIZES.length)], SIZES[random.nextInt(SIZES.length)], p);
        k.yShape();
        cases.add(k);
      } catch (IllegalArgumentException noValidOutput) {
        // draw again: the window does not fit this input
      }
    }
    return cases;
  }

  private PoolKernels pool() {
    return candidate().pool();
  }

  private PoolKernels oracle() {
    return reference().pool();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void maxPoolMatchesReference(PoolCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor x = random.uniform(k.xShape());
        Tensor expected = Tensor.zeros(k.yShape());
        Tensor actual = Tensor.zeros(k.yShape());
        Tensor expectedIdx = Tensor.allocate(DType.INT32, k.yShape());
        Tensor actualIdx = Tensor.allocate(DType.INT32, k.yShape());
        Tensor dy = random.uniform(k.yShape());
        Tensor expectedDx = Tensor.zeros(k.xShape());
        Tensor actualDx = Tensor.zeros(k.xShape())) {
      oracle().maxPool2dForward(x, k.p(), expected, expectedIdx);
      actual.fill(Float.NaN);
      pool().maxPool2dForward(x, k.p(), actual, actualIdx);
      TensorAssertions.assertClose(expected, actual, 0, 0, "maxPool2dForward " + k);
      assertArrayEquals(expectedIdx.toIntArray(), actualIdx.toIntArray(), "argmax " + k);
      actual.fill(Float.NaN);
      pool().maxPool2dForward(x, k.p(), actual, null);
      TensorAssertions.assertClose(expected, actual, 0, 0, "maxPool2dForward no indices " + k);
      oracle().maxPool2dBackward(dy, expectedIdx, expectedDx);
      actualDx.fill(Float.NaN);
      pool().maxPool2dBackward(dy, expectedIdx, actualDx);
      TensorAssertions.assertClose(expectedDx, actualDx, ABS, REL, "maxPool2dBackward " + k);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void avgPoolMatchesReference(PoolCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor x = random.uniform(k.xShape());
        Tensor expected = Tensor.zeros(k.yShape());
        Tensor actual = Tensor.zeros(k.yShape());
        Tensor dy = random.uniform(k.yShape());
        Tensor expectedDx = Tensor.zeros(k.xShape());
        Tensor actualDx = Tensor.zeros(k.xShape())) {
      oracle().avgPool2dForward(x, k.p(), expected);
      actual.fill(Float.NaN);
      pool().avgPool2dForward(x, k.p(), actual);
      TensorAssertions.assertClose(expected, actual, ABS, REL, "avgPool2dForward " + k);
      oracle().avgPool2dBackward(dy, k.p(), expectedDx);
      actualDx.fill(Float.NaN);
      pool().avgPool2dBackward(dy, k.p(), actualDx);
      TensorAssertions.assertClose(expectedDx, actualDx, ABS, REL, "avgPool2dBackward " + k);
    }
  }

  @Test
  void globalAvgPoolMatchesReference() {
    RandomTensors random = new RandomTensors(SEED);
    for (int plane : RandomTensors.AWKWARD_LENGTHS) {
      int n = plane > 10_000 ? 1 : 3;
      try (Tensor x = random.uniform(n, 2, 1, plane);
          Tensor expected = Tensor.zeros(n, 2);
          Tensor actual = Tensor.zeros(n, 2);
          Tensor dy = random.uniform(n, 2);
          Tensor expectedDx = Tensor.zeros(n, 2, 1, plane);
          Tensor actualDx = Tensor.zeros(n, 2, 1, plane)) {
        oracle().globalAvgPoolForward(x, expected);
        pool().globalAvgPoolForward(x, actual);
        TensorAssertions.assertClose(expected, actual, GLOBAL_ABS, GLOBAL_REL,
            "globalAvgPoolForward plane " + plane);
        oracle().globalAvgPoolBackward(dy, expectedDx);
        actualDx.fill(Float.NaN);
        pool().globalAvgPoolBackward(dy, actualDx);
        TensorAssertions.assertClose(expectedDx, actualDx, 0, 1e-7,
            "globalAvgPoolBackward plane " + plane);
      }
    }
  }

  static List<PoolCase> gradientCases() {
    return List.of(
        new PoolCase(2, 2, 5, 6, Pool2dParams.of(2, 2).withCeilMode(true)),
        new PoolCase(1, 2, 7, 5, Pool2dParams.of(3, 2, 1).withCountIncludePad(false)),
        new PoolCase(1, 1, 7, 7, new Pool2dParams(3, 2, 1, 2, 1, 1, 2, 1, false, true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gradientCases")
  void gradientsMatchFiniteDifferences(PoolCase k) {
    RandomTensors random = new RandomTensors(seedOf(k));
    try (Tensor x = distinctValues(k.xShape(), seedOf(k));
        Tensor up = random.uniform(k.yShape());
        Tensor y = Tensor.zeros(k.yShape());
        Tensor indices = Tensor.allocate(DType.INT32, k.yShape());
        Tensor dx = Tensor.zeros(k.xShape());
        Tensor g = Tensor.zeros(k.n(), k.c());
        Tensor up2 = random.uniform(k.n(), k.c())) {
      pool().maxPool2dForward(x, k.p(), y, indices);
      pool().maxPool2dBackward(up, indices, dx);
      check(x, t -> pool().maxPool2dForward(t, k.p(), y, null), y, up, dx, "max " + k);
      pool().avgPool2dBackward(up, k.p(), dx);
      check(x, t -> pool().avgPool2dForward(t, k.p(), y), y, up, dx, "avg " + k);
      pool().globalAvgPoolBackward(up2, dx);
      check(x, t -> pool().globalAvgPoolForward(t, g), g, up2, dx, "global avg " + k);
    }
  }

  /** A permutation of {@code 0.01 * i}: no ties, and a gap far wider than the step. */
  private static Tensor distinctValues(int[] shape, long seed) {
    Tensor t = Tensor.zeros(shape);
    int n = t.size();
    float[] values = new float[n];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      int j = random.nextInt(i + 1);
      values[i] = values[j];
      values[j] = 0.01f * (i - n / 2);
    }
    return t.copyFrom(values);
  }

  private static void check(Tensor input, Consumer<Tensor> forward, Tensor y, Tensor up,
      Tensor analytic, String what) {
    GradientCheck.assertUpstreamGradient(input, forward, y, up, analytic, GRAD_STEP, GRAD_ABS,
        GRAD_REL, what);
  }

  /**
   * A 4x4 plane, 2x2 windows, stride 2: each output is its block's maximum, indexed within the
   * plane; average pooling of a 3x3 plane with a 3x3 window and padding 1 divides by 9 with padding
   * counted and by the 4, 6 or 9 real taps without.
   */
  @Test
  void handComputedExamples() {
    try (Tensor x = Tensor.of(new float[] {
            1, 5, 2, 0,
            3, 4, 8, 7,
            -1, -2, 6, 6,
            -4, -3, 9, 6}, 1, 1, 4, 4);
        Tensor y = Tensor.zeros(1, 1, 2, 2);
        Tensor idx = Tensor.allocate(DType.INT32, 1, 1, 2, 2);
        Tensor dx = Tensor.zeros(1, 1, 4, 4);
        Tensor dy = Tensor.of(new float[] {10, 20, 30, 40}, 1, 1, 2, 2)) {
      pool().maxPool2dForward(x, Pool2dParams.of(2, 2), y, idx);
      TensorAssertions.assertClose(new float[] {5, 8, -1, 9}, y.toFloatArray(), 0, 0, "max");
      assertArrayEquals(new int[] {1, 6, 8, 14}, idx.toIntArray());
      pool().maxPool2dBackward(dy, idx, dx);
      TensorAssertions.assertClose(new float[] {
          0, 10, 0, 0,
          0, 0, 20, 0,
          30, 0, 0, 0,
          0, 0, 40, 0}, dx.toFloatArray(), 0, 0, "max backward");
    }
    try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor y = Tensor.zeros(1, 1, 3, 3)) {
      pool().avgPool2dForward(x, Pool2dParams.of(3, 1, 1), y);
      TensorAssertions.assertClose(new float[] {
          12 / 9f, 21 / 9f, 16 / 9f,
          27 / 9f, 45 / 9f, 33 / 9f,
          24 / 9f, 39 / 9f, 28 / 9f}, y.toFloatArray(), 1e-6, 0, "avg counting padding");
      pool().avgPool2dForward(x, Pool2dParams.of(3, 1, 1).withCountIncludePad(false), y);
      TensorAssertions.assertClose(new float[] {
          12 / 4f, 21 / 6f, 16 / 4f,
          27 / 6f, 45 / 9f, 33 / 6f,
          24 / 4f, 39 / 6f, 28 / 4f}, y.toFloatArray(), 1e-6, 0, "avg without padding");
    }
  }

  /**
   * A window holding NaN pools to NaN with the first NaN as its argmax, whatever its position; the
   * windows around it stay finite. Infinity is an ordinary maximum.
   */
  @Test
  void maxPoolPropagatesNaN() {
    try (Tensor x = Tensor.zeros(1, 1, 4, 40);
        Tensor y = Tensor.zeros(1, 1, 2, 20);
        Tensor idx = Tensor.allocate(DType.INT32, 1, 1, 2, 20);
        Tensor avg = Tensor.zeros(1, 1, 2, 20)) {
      for (int i = 0; i < 160; i++) {
        x.setFlat(i, i % 7);
      }
      x.set(Float.NaN, 0, 0, 1, 17);
      x.set(Float.NaN, 0, 0, 1, 16);
      x.set(Float.NaN, 0, 0, 0, 3);
      x.set(Float.POSITIVE_INFINITY, 0, 0, 3, 30);
      pool().maxPool2dForward(x, Pool2dParams.of(2, 2), y, idx);
      assertTrue(Float.isNaN(y.get(0, 0, 0, 8)));
      assertEquals(56, idx.toIntArray()[8], "the first NaN in row order");
      assertTrue(Float.isNaN(y.get(0, 0, 0, 1)));
      assertEquals(3, idx.toIntArray()[1]);
      assertEquals(Float.POSITIVE_INFINITY, y.get(0, 0, 1, 15));
      for (int j = 0; j < 20; j++) {
        if (j != 8 && j != 1) {
          assertTrue(!Float.isNaN(y.get(0, 0, 0, j)), "window " + j);
        }
      }
      pool().maxPool2dForward(x, Pool2dParams.of(2, 2), y, null);
      assertTrue(Float.isNaN(y.get(0, 0, 0, 8)) && Float.isNaN(y.get(0, 0, 0, 1)));
      pool().avgPool2dForward(x, Pool2dParams.of(2, 2), avg);
      assertTrue(Float.isNaN(avg.get(0, 0, 0, 8)) && !Float.isNaN(avg.get(0, 0, 0, 9)));
    }
  }

  /** A window of real {@code -inf} values names one of them as its argmax, never the padding. */
  @Test
  void maxPoolOfNegativeInfinityNeverPicksPadding() {
    for (int width : new int[] {5, 20, 37}) {
      try (Tensor x = Tensor.zeros(1, 2, 3, width).fill(Float.NEGATIVE_INFINITY);
          Tensor y = Tensor.zeros(1, 2, 3, width);
          Tensor idx = Tensor.allocate(DType.INT32, 1, 2, 3, width);
          Tensor expected = Tensor.allocate(DType.INT32, 1, 2, 3, width)) {
        x.set(-1f, 0, 1, 1, width - 1);
        Pool2dParams p = Pool2dParams.of(3, 1, 1);
        oracle().maxPool2dForward(x, p, y, expected);
        pool().maxPool2dForward(x, p, y, idx);
        assertArrayEquals(expected.toIntArray(), idx.toIntArray(), "width " + width);
        assertEquals(0, idx.toIntArray()[0], "the first real element of the corner window");
        assertEquals(-1f, y.get(0, 1, 0, width - 1));
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    try (Tensor x = Tensor.zeros(2, 3, 8, 8);
        Tensor y = Tensor.zeros(2, 3, 4, 4);
        Tensor wrongY = Tensor.zeros(2, 3, 3, 4);
        Tensor idx = Tensor.allocate(DType.INT32, 2, 3, 4, 4);
        Tensor floatIdx = Tensor.zeros(2, 3, 4, 4);
        Tensor g = Tensor.zeros(2, 4);
        Tensor oneImage = Tensor.zeros(1, 3, 8, 8)) {
      Pool2dParams p = Pool2dParams.of(2, 2);
      assertMessage("y: float32[2, 3, 3, 4] (expected: [2, 3, 4, 4] for x: float32[2, 3, 8, 8] "
          + "and " + p + ")", () -> pool().maxPool2dForward(x, p, wrongY, null));
      assertMessage("indices: float32[2, 3, 4, 4] (expected: an int32 [N, C, OH, OW] tensor)",
          () -> pool().maxPool2dForward(x, p, y, floatIdx));
      assertMessage("dx: float32[1, 3, 8, 8] (expected: [2, 3, H, W] to match dy: "
          + "float32[2, 3, 4, 4])", () -> pool().maxPool2dBackward(y, idx, oneImage));
      idx.setIntFlat(5, 64);
      assertMessage("indices: element 5 is 64 (expected: an offset in [0, 64) within the [H, W] "
          + "plane of dx: float32[2, 3, 8, 8])", () -> pool().maxPool2dBackward(y, idx, x));
      assertMessage("y: float32[2, 4] (expected: [2, 3] to match x: float32[2, 3, 8, 8])",
          () -> pool().globalAvgPoolForward(x, g));
      assertMessage("dy: float32[2, 3, 3, 4] (expected: [2, 3, 4, 4] for dx: "
          + "float32[2, 3, 8, 8] and " + p + ")", () -> pool().avgPool2dBackward(wrongY, p, x));
      assertMessage("padH: 2 (expected: 0 <= padH <= half the dilated window = 1)",
          () -> Pool2dParams.of(3, 1, 2));
      assertMessage("pooling window 0 along the height covers only padding (input height 1, "
          + "window 2, dilation 2, padding 1)",
          () -> new Pool2dParams(2, 1, 1, 1, 1, 0, 2, 1, false, true).outputHeight(1));
    }
  }

  @Test
  void outputSizesFollowFloorAndCeilModes() {
    assertEquals(3, Pool2dParams.of(2, 2).outputHeight(7));
    assertEquals(4, Pool2dParams.of(2, 2).withCeilMode(true).outputHeight(7));
    assertEquals(28, Pool2dParams.of(3, 2, 1).outputWidth(56));
    // ceil mode never starts a window in the trailing padding
    assertEquals(2, Pool2dParams.of(2, 2, 1).withCeilMode(true).outputHeight(3));
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(expected, e.getMessage());
  }
}
