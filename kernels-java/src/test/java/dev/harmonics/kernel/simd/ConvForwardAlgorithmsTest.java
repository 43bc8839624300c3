package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.simd.ConvForwardPlan.Algorithm;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each forward convolution algorithm of {@link ConvForwardPlan}, forced on every shape it accepts
 * (whatever the plan would pick), against the reference kernel: odd sizes, widths that are not a
 * multiple of the vector length, strides, padding, dilation, groups where the algorithm takes
 * them, batches, with and without bias. The conformance suite only reaches the algorithm the plan
 * picks for each of its shapes.
 */
class ConvForwardAlgorithmsTest {

  /** Same bound as the conformance suite: float sums of up to a few hundred products. */
  private static final double ABS = 1e-4;
  private static final double REL = 1e-4;

  private static final ConvKernels REFERENCE = KernelProviders.of(Backend.REFERENCE).conv();

  /** {@code n, c, h, w, o, kh, kw} and the params of one convolution. */
  record Shape(int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams p) {
    @Override
    public String toString() {
      return "x[" + n + "," + c + "," + h + "," + w + "] o=" + o + " k=" + kh + "x" + kw + " s="
          + p.strideH() + "," + p.strideW() + " p=" + p.padH() + "," + p.padW() + " d="
          + p.dilationH() + "," + p.dilationW() + " g=" + p.groups();
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Shape s : pointwiseShapes()) {
      all.add(Arguments.of(Algorithm.POINTWISE_GEMM, s));
    }
    for (Shape s : directShapes()) {
      all.add(Arguments.of(Algorithm.DIRECT, s));
    }
    return all.stream();
  }

  private static List<Shape> pointwiseShapes() {
    Conv2dParams p = Conv2dParams.defaults();
    List<Shape> shapes = new ArrayList<>(List.of(
        new Shape(1, 1, 1, 1, 1, 1, 1, p),
        new Shape(2, 5, 7, 9, 3, 1, 1, p),
        new Shape(3, 64, 5, 13, 19, 1, 1, p),
        new Shape(1, 17, 33, 1, 40, 1, 1, p),
        new Shape(8, 16, 14, 14, 64, 1, 1, p),
        new Shape(1, 64, 28, 28, 256, 1, 1, p),
        // Deeper than one GEMM depth slice: later slices add to what the first one stored.
        new Shape(1, 4100, 2, 3, 9, 1, 1, p)));
    for (int width : RandomTensors.AWKWARD_LENGTHS) {
      if (width <= 64) {
        shapes.add(new Shape(2, 6, 3, width, 9, 1, 1, p));
      }
    }
    return shapes;
  }

  private static List<Shape> directShapes() {
    List<Shape> shapes = new ArrayList<>(List.of(
        new Shape(1, 1, 28, 28, 32, 3, 3, Conv2dParams.of(1, 1)),
        new Shape(3, 1, 28, 28, 32, 3, 3, Conv2dParams.of(1, 1)),
        new Shape(2, 3, 13, 17, 10, 3, 3, Conv2dParams.of(2, 1)),
        new Shape(2, 1, 7, 33, 9, 5, 5, Conv2dParams.of(1, 2).withDilation(2)),
        new Shape(1, 2, 6, 31, 8, 3, 1, new Conv2dParams(1, 2, 1, 0, 1, 1, 1)),
        new Shape(2, 4, 9, 9, 16, 3, 3, Conv2dParams.of(1, 1).withGroups(2)),
        new Shape(1, 6, 7, 7, 12, 3, 3, Conv2dParams.of(1, 1).withGroups(6)),
        new Shape(1, 3, 40, 70, 17, 3, 3, Conv2dParams.of(1, 0))));
    for (int width : RandomTensors.AWKWARD_LENGTHS) {
      if (width <= 64) {
        shapes.add(new Shape(1, 1, 4, width, 11, 3, 3, Conv2dParams.of(1, 1)));
      }
    }
    shapes.addAll(randomShapes(new SplittableRandom(0xD12EC7), 12, true));
    return shapes;
  }

  /** Random valid shapes; grouped ones only when {@code grouped}. */
  private static List<Shape> randomShapes(SplittableRandom r, int count, boolean grouped) {
    int[] sizes = {1, 5, 7, 13, 17, 28};
    List<Shape> shapes = new ArrayList<>();
    while (shapes.size() < count) {
      int groups = grouped && r.nextBoolean() ? 2 : 1;
      int c = groups * (1 + r.nextInt(3));
      int o = groups * (1 + r.nextInt(12));
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(5);
      Conv2dParams p = new Conv2dParams(1 + r.nextInt(2), 1 + r.nextInt(3), r.nextInt(3),
          r.nextInt(3), 1 + r.nextInt(2), 1 + r.nextInt(2), groups);
      Shape s = new Shape(1 + r.nextInt(3), c, sizes[r.nextInt(sizes.length)],
          sizes[r.nextInt(sizes.length)], o, kh, kw, p);
      try {
        p.outputHeight(s.h(), kh);
        p.outputWidth(s.w(), kw);
        shapes.add(s);
      } catch (IllegalArgumentException noOutput) {
        // The draw leaves no output position; draw again.
      }
    }
    return shapes;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void matchesTheReference(Algorithm algorithm, Shape s) {
    RandomTensors random = new RandomTensors(s.hashCode());
    int[] yShape = {s.n(), s.o(), s.p().outputHeight(s.h(), s.kh()),
        s.p().outputWidth(s.w(), s.kw())};
    try (Tensor x = random.uniform(s.n(), s.c(), s.h(), s.w());
        Tensor w = random.uniform(s.o(), s.c() / s.p().groups(), s.kh(), s.kw());
        Tensor bias = random.uniform(s.o());
        Tensor expected = Tensor.zeros(yShape);
        Tensor actual = Tensor.zeros(yShape)) {
      ConvGeometry g = ConvGeometry.of(x, w, actual, s.p());
      REFERENCE.conv2dForward(x, w, bias, s.p(), expected);
      actual.fill(Float.NaN);
      ConvForwardPlan.run(algorithm, g, x.data(), w.data(), bias.data(), actual.data());
      TensorAssertions.assertClose(expected, actual, ABS, REL, algorithm + " " + s);
      REFERENCE.conv2dForward(x, w, null, s.p(), expected);
      actual.fill(Float.NaN);
      ConvForwardPlan.run(algorithm, g, x.data(), w.data(), null, actual.data());
      TensorAssertions.assertClose(expected, actual, ABS, REL, algorithm + " no bias " + s);
    }
  }

  /** The direct path where 32 vector registers hold its block, else the implicit GEMM. */
  @Test
  void thePlanPicksTheMeasuredAlgorithmForTheBenchmarkLayers() {
    Algorithm fewTaps =
        SimdSpecies.VECTOR_REGISTERS >= 32 ? Algorithm.DIRECT : Algorithm.IMPLICIT_GEMM;
    assertEquals(Algorithm.IMPLICIT_GEMM, plan(1, 64, 56, 64, 3, Conv2dParams.of(1, 1)));
    assertEquals(Algorithm.IMPLICIT_GEMM, plan(8, 128, 28, 128, 3, Conv2dParams.of(1, 1)));
    assertEquals(Algorithm.POINTWISE_GEMM, plan(1, 64, 56, 256, 1, Conv2dParams.defaults()));
    assertEquals(Algorithm.IMPLICIT_GEMM, plan(8, 64, 56, 256, 1, Conv2dParams.defaults()));
    assertEquals(fewTaps, plan(1, 1, 28, 32, 3, Conv2dParams.of(1, 1)));
    assertEquals(Algorithm.IMPLICIT_GEMM, plan(8, 32, 14, 64, 3, Conv2dParams.of(1, 1)));
    assertEquals(fewTaps, plan(8, 3, 32, 16, 3, Conv2dParams.of(2, 1)));
    assertEquals(Algorithm.IMPLICIT_GEMM,
        plan(1, 128, 28, 128, 3, Conv2dParams.of(1, 1).withGroups(128)));
    assertEquals(Algorithm.IMPLICIT_GEMM, plan(1, 64, 56, 256, 1, Conv2dParams.of(2, 0)));
  }

  private static Algorithm plan(int n, int c, int size, int o, int k, Conv2dParams p) {
    return ConvForwardPlan.measured(new ConvGeometry(n, c, size, size, o, k, k,
        p.outputHeight(size, k), p.outputWidth(size, k), p.strideH(), p.strideW(), p.padH(),
        p.padW(), p.dilationH(), p.dilationW(), p.groups()));
  }
}
