package dev.harmonics.kernel.conformance;

import static dev.harmonics.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Softmax and log-softmax of {@link #candidate()} against the reference, along every axis. */
public abstract class SoftmaxConformance extends KernelConformanceTest {

  /**
   * Probabilities: the candidate's exp is within ~2 ulp and its sums run in float lanes (up to
   * ~1e5 terms in the largest case), so relative error stays below a few 1e-6.
   */
  private static final double PROB_ABS = 1e-9;
  private static final double PROB_REL = 2e-5;
  /** Log-probabilities of magnitude up to ~200: {@code x - max} is exact, log(sum) is off ~1e-6. */
  private static final double LOG_ABS = 2e-5;
  private static final double LOG_REL = 1e-6;
  /** Gradients are O(1) sums of up to ~1e5 products; float lanes versus double. */
  private static final double GRAD_ABS = 2e-5;
  private static final double GRAD_REL = 2e-5;
  /** Finite differences of a float32 forward: rounding noise over 2h plus O(h^2) truncation. */
  private static final double FD_H = 1e-2;
  private static final double FD_ABS = 1e-3;
  private static final double FD_REL = 1e-2;

  /** Shapes and axes: last axis of every awkward length, then inner strides around the chunking. */
  private static final Object[][] CASES = {
      {new int[] {1, 1}, -1}, {new int[] {7, 2}, 0}, {new int[] {3, 5, 2}, 1},
      {new int[] {2, 9, 3}, 1}, {new int[] {4, 6, 7}, -2}, {new int[] {2, 5, 16}, 1},
      {new int[] {3, 4, 17}, 1}, {new int[] {2, 3, 300}, 1}, {new int[] {11, 513}, 0},
      {new int[] {2, 3, 4, 5}, 0}, {new int[] {2, 3, 4, 5}, 1}, {new int[] {2, 3, 4, 5}, 2},
      {new int[] {1, 31, 1, 33}, 1}, {new int[] {1000, 67}, 0}, {new int[] {5}, 0},
      {new int[] {4, 0, 3}, 1}, {new int[] {0, 4}, 1}};

  private SoftmaxKernels kernels() {
    return candidate().softmax();
  }

  private SoftmaxKernels oracle() {
    return reference().softmax();
  }

  private List<Object[]> cases() {
    List<Object[]> all = new ArrayList<>(Arrays.asList(CASES));
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      all.add(new Object[] {new int[] {n > 10_000 ? 1 : 3, n}, 1});
    }
    for (int i = 0; i < 3; i++) {
      int[] shape = {random.between(1, 4), random.between(1, 40), random.between(1, 40)};
      all.add(new Object[] {shape, random.between(0, 2)});
    }
    return all;
  }

  @Test
  void forwardMatchesReference() {
    for (Object[] c : cases()) {
      int[] shape = (int[]) c[0];
      int axis = (int) c[1];
      for (float range : new float[] {5f, 100f}) {
        String what = Arrays.toString(shape) + " axis " + axis + " range " + range;
        Tensor x = uniform(-range, range, shape);
        Tensor y = zeros(shape);
        Tensor yRef = zeros(shape);
        oracle().softmax(x, axis, yRef);
        kernels().softmax(x, axis, y);
        assertClose(yRef, y, PROB_ABS, PROB_REL, "softmax " + what);
        oracle().logSoftmax(x, axis, yRef);
        kernels().logSoftmax(x, axis, y);
        assertClose(yRef, y, LOG_ABS, LOG_REL, "log-softmax " + what);
      }
    }
  }

  @Test
  void backwardMatchesReference() {
    for (Object[] c : cases()) {
      int[] shape = (int[]) c[0];
      int axis = (int) c[1];
      String what = Arrays.toString(shape) + " axis " + axis;
      Tensor x = uniform(-5f, 5f, shape);
      Tensor dy = uniform(-1f, 1f, shape);
      Tensor y = zeros(shape);
      Tensor dx = zeros(shape);
      Tensor dxRef = zeros(shape);
      oracle().softmax(x, axis, y);
      oracle().softmaxBackward(y, dy, axis, dxRef);
      kernels().softmaxBackward(y, dy, axis, dx);
      assertClose(dxRef, dx, GRAD_ABS, GRAD_REL, "softmax backward " + what);
      oracle().logSoftmax(x, axis, y);
      oracle().logSoftmaxBackward(y, dy, axis, dxRef);
      kernels().logSoftmaxBackward(y, dy, axis, dx);
      assertClose(dxRef, dx, GRAD_ABS, GRAD_REL, "log-softmax backward " + what);
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    for (Object[] c : new Object[][] {{new int[] {3, 7}, 1}, {new int[] {2, 5, 3}, 1},
        {new int[] {4, 2, 2}, 0}}) {
      int[] shape = (int[]) c[0];
      int axis = (int) c[1];
      String what = Arrays.toString(shape) + " axis " + axis;
      Tensor x = uniform(-2f, 2f, shape);
      Tensor w = uniform(-1f, 1f, shape);
      Tensor y = zeros(shape);
      Tensor dx = zeros(shape);
      for (boolean log : new boolean[] {false, true}) {
        ToDoubleFunction<Tensor> loss = input -> {
          forward(log, input, axis, y);
          return GradientCheck.dot(y, w);
        };
        double[] numerical = GradientCheck.numericalGradient(x, loss, FD_H);
        forward(log, x, axis, y);
        if (log) {
          kernels().logSoftmaxBackward(y, w, axis, dx);
        } else {
          kernels().softmaxBackward(y, w, axis, dx);
        }
        GradientCheck.assertGradient(numerical, dx, FD_ABS, FD_REL,
            (log ? "log-softmax " : "softmax ") + what);
      }
    }
  }

  private void forward(boolean log, Tensor x, int axis, Tensor y) {
    if (log) {
      kernels().logSoftmax(x, axis, y);
    } else {
      kernels().softmax(x, axis, y);
    }
  }

  @Test
  void handComputedValues() {
    Tensor x = of(new float[] {1, 2, 3, 1000, 1001, 1002}, 2, 3);
    Tensor y = zeros(2, 3);
    kernels().softmax(x, -1, y);
    float[] p = {0.09003057f, 0.24472847f, 0.66524096f};
    assertClose(new float[] {p[0], p[1], p[2], p[0], p[1], p[2]}, y.toFloatArray(), 1e-7, 1e-6,
        "softmax of (1, 2, 3) and of (1000, 1001, 1002), which must not overflow");
    kernels().logSoftmax(x, 1, y);
    float[] lp = {-2.4076059f, -1.4076059f, -0.4076059f};
    assertClose(new float[] {lp[0], lp[1], lp[2], lp[0], lp[1], lp[2]}, y.toFloatArray(), 1e-6,
        1e-6, "log-softmax");
    Tensor columns = of(new float[] {1, 1000, 2, 1001, 3, 1002}, 3, 2);
    Tensor yc = zeros(3, 2);
    kernels().softmax(columns, 0, yc);
    assertClose(new float[] {p[0], p[0], p[1], p[1], p[2], p[2]}, yc.toFloatArray(), 1e-7, 1e-6,
        "softmax along axis 0");
  }

  @Test
  void probabilitiesSumToOne() {
    Tensor x = uniform(-30f, 30f, 3, 1001, 5);
    Tensor y = zeros(3, 1001, 5);
    kernels().softmax(x, 1, y);
    for (int o = 0; o < 3; o++) {
      for (int j = 0; j < 5; j++) {
        double sum = 0;
        for (int l = 0; l < 1001; l++) {
          sum += y.get(o, l, j);
        }
        assertEquals(1.0, sum, 1e-5);
      }
    }
  }

  @Test
  void specialValuesFollowPyTorch() {
    float inf = Float.POSITIVE_INFINITY;
    float nan = Float.NaN;
    // rows: some -inf; all -inf; a +inf; a NaN; ordinary
    float[] rows = {
        0f, -inf, 0f, -inf,
        -inf, -inf, -inf, -inf,
        1f, inf, 2f, 3f,
        1f, 2f, nan, 3f,
        0f, 0f, 0f, 0f};
    float[] softmax = {
        0.5f, 0f, 0.5f, 0f,
        nan, nan, nan, nan,
        nan, nan, nan, nan,
        nan, nan, nan, nan,
        0.25f, 0.25f, 0.25f, 0.25f};
    float ln2 = (float) Math.log(2);
    float ln4 = (float) Math.log(4);
    float[] logSoftmax = {
        -ln2, -inf, -ln2, -inf,
        nan, nan, nan, nan,
        nan, nan, nan, nan,
        nan, nan, nan, nan,
        -ln4, -ln4, -ln4, -ln4};
    Tensor x = of(rows, 5, 4);
    Tensor y = zeros(5, 4);
    kernels().softmax(x, 1, y);
    assertClose(softmax, y.toFloatArray(), 1e-7, 1e-6, "softmax, last axis");
    kernels().logSoftmax(x, 1, y);
    assertClose(logSoftmax, y.toFloatArray(), 1e-6, 1e-6, "log-softmax, last axis");

    // the same lines along axis 0 of the transpose exercise the strided path
    Tensor xt = track(x.transpose(0, 1).contiguous());
    Tensor yt = zeros(4, 5);
    kernels().softmax(xt, 0, yt);
    assertClose(transpose(softmax, 5, 4), yt.toFloatArray(), 1e-7, 1e-6, "softmax, axis 0");
    kernels().logSoftmax(xt, 0, yt);
    assertClose(transpose(logSoftmax, 5, 4), yt.toFloatArray(), 1e-6, 1e-6, "log-softmax, axis 0");

    Tensor dy = of(new float[] {1, 2, nan, 4}, 1, 4);
    Tensor probs = of(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, 1, 4);
    Tensor dx = zeros(1, 4);
    kernels().softmaxBackward(probs, dy, 1, dx);
    for (float v : dx.toFloatArray()) {
      assertTrue(Float.isNaN(v), "a NaN gradient spreads over its line");
    }
  }

  private static float[] transpose(float[] values, int rows, int cols) {
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = values[r * cols + c];
      }
    }
    return out;
  }

  @Test
  void worksInPlace() {
    // 10 and 37: rows that end in a vector overlapping the one before it (SIMD, at 8 lanes; 10 is
    // a masked row at 16); 129: just past the widest such row at 8 lanes
    for (Object[] c : new Object[][] {{new int[] {3, 37}, 1}, {new int[] {4, 9, 21}, 1},
        {new int[] {5, 10}, 1}, {new int[] {2, 129}, 1}}) {
      int[] shape = (int[]) c[0];
      int axis = (int) c[1];
      Tensor x = uniform(-5f, 5f, shape);
      Tensor logExpected = zeros(shape);
      Tensor logInPlace = of(x.toFloatArray(), shape);
      kernels().logSoftmax(x, axis, logExpected);
      kernels().logSoftmax(logInPlace, axis, logInPlace);
      assertClose(logExpected, logInPlace, 0, 0, "log-softmax in place " + Arrays.toString(shape));
      Tensor expected = zeros(shape);
      kernels().softmax(x, axis, expected);
      kernels().softmax(x, axis, x);
      assertClose(expected, x, 0, 0, "softmax in place " + Arrays.toString(shape));
      Tensor dy = uniform(-1f, 1f, shape);
      Tensor dx = zeros(shape);
      kernels().softmaxBackward(x, dy, axis, dx);
      kernels().softmaxBackward(x, dy, axis, dy);
      assertClose(dx, dy, 0, 0, "softmax backward in place " + Arrays.toString(shape));
    }
  }

  @Test
  void rejectsBadArguments() {
    Tensor x = zeros(2, 3);
    expectError(() -> kernels().softmax(x, 2, zeros(2, 3)), "axis: 2", "-2 <= axis < 2",
        "x: float32[2, 3]");
    expectError(() -> kernels().softmax(x, -3, zeros(2, 3)), "axis: -3");
    expectError(() -> kernels().softmax(x, 1, zeros(3, 2)), "y: float32[3, 2]",
        "[2, 3] to match x: float32[2, 3]");
    expectError(() -> kernels().logSoftmax(zeros(3, 2).transpose(0, 1), 1, zeros(2, 3)),
        "x: float32[2, 3] (strided view)", "contiguous()");
    expectError(() -> kernels().softmax(track(Tensor.allocate(DType.INT32, 2, 3)), 1, x),
        "x: int32[2, 3]", "float32");
    expectError(() -> kernels().softmax(x, 0, null), "y: null");
    expectError(() -> kernels().softmax(zeros(), 0, zeros()), "rank >= 1");
    expectError(() -> kernels().softmaxBackward(x, zeros(2, 4), 1, zeros(2, 3)),
        "dy: float32[2, 4]");
    expectError(() -> kernels().logSoftmaxBackward(x, x, 1, zeros(6)), "dx: float32[6]");
  }

  /** An output partly on its input's memory is refused before anything is written. */
  @Test
  void rejectsPartlyOverlappingOutputs() {
    Tensor buffer = uniform(-5f, 5f, 5, 8);
    float[] before = buffer.toFloatArray();
    Tensor upper = buffer.slice(0, 0, 4);
    Tensor lower = buffer.slice(0, 1, 5);
    expectError(() -> kernels().softmax(upper, 1, lower), "y: float32[4, 8]", "partly overlaps x");
    expectError(() -> kernels().logSoftmax(lower, -1, upper), "y: float32[4, 8]",
        "partly overlaps x");
    Tensor y = zeros(4, 8);
    expectError(() -> kernels().softmaxBackward(y, upper, 1, lower), "dx: float32[4, 8]",
        "partly overlaps dy");
    expectError(() -> kernels().logSoftmaxBackward(upper, y, 1, lower), "dx: float32[4, 8]",
        "partly overlaps y");
    assertEquals(Arrays.toString(before), Arrays.toString(buffer.toFloatArray()),
        "the tensors after the refused calls");
  }
}
