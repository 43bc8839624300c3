package dev.harmonics.backend.nativecpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.ffi.nativekernels.NativeKernelException;
import dev.harmonics.kernel.conformance.FarBelowTheMaximum;
import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.TensorAssertions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C sigmoid, tanh and GELU-tanh forward, softmax and layer norm at every instruction set level
 * against the reference: awkward lengths, special values, in place, outputs large enough for the
 * streaming stores (over 4 MB per pool thread) starting at unaligned addresses (and, for softmax,
 * at aligned ones), rows longer than the softmax's stack buffer. The conformance suites cover only
 * the level chosen at start-up.
 */
class NativeMemoryBoundKernelsTest {

  /** The conformance tolerances (ActivationConformance): the reference is exact in double. */
  private static final double ACTIVATION_REL = 1e-6;
  private static final double GELU_TANH_REL = 1e-5;
  private static final double TAIL_ABS = 1e-12;
  /** SoftmaxConformance's and NormConformance's tolerances. */
  private static final double PROB_ABS = 1e-9;
  private static final double PROB_REL = 2e-5;
  private static final double LOG_ABS = 2e-5;
  private static final double LOG_REL = 1e-6;
  private static final double NORM_TOL = 2e-5;

  private static final Activation[] FUNCTIONS = {
      Activation.SIGMOID, Activation.TANH, Activation.GELU_TANH};
  private static final int[] LENGTHS = {1, 3, 7, 15, 16, 17, 31, 33, 64, 1000, 4099};
  /** Over 4 MB of floats per pool thread, odd so every loop has a tail. */
  private static final int LARGE = 2 * 1024 * 1024 + 3 * 1024 + 37;
  /** Softmax and layer norm rows: odd, so row starts fall at every alignment. */
  private static final int WIDTH = 4099;
  private static final int ROWS = 2 * (1 << 20) / WIDTH + 31;
  /** Rows of whole 512-bit vectors, 6 MB per pool thread (their blocks may split unevenly). */
  private static final int ALIGNED_WIDTH = 4096;
  private static final int ALIGNED_ROWS = 3 * (1 << 20) / ALIGNED_WIDTH + 3;
  /** Rows of 10, 6 MB per pool thread. */
  private static final int SHORT_ROWS = 3 * (1 << 20) / 10 + 7;

  private static KernelProvider candidate;
  private static KernelProvider reference;
  private static NativeKernels nk;

  private static int parallelism;

  /**
   * The large shapes give each of two pool threads more than the 4 MB at which the C kernels
   * stream; with more threads their calls would be too small to stream, so the pool is set to two
   * for this class.
   */
  @BeforeAll
  static void setUp() {
    NativeCpuBackend.assumeAvailable();
    parallelism = KernelPool.shared().parallelism();
    KernelPool.setParallelism(2);
    candidate = NativeCpuBackend.provider();
    reference = KernelProviders.of(Backend.REFERENCE);
    nk = NativeKernels.load();
  }

  @AfterAll
  static void restorePool() {
    if (parallelism > 0) {
      KernelPool.setParallelism(parallelism);
    }
  }

  private static double rel(Activation f) {
    return f == Activation.GELU_TANH ? GELU_TANH_REL : ACTIVATION_REL;
  }

  /**
   * Uniform in [-12, 12], with the special values at the ends, the middle and the tail: NaN first
   * (at index 0, in every array), a negative NaN with a payload in the middle, so that a NaN also
   * sits in another vector lane. A special whose place is taken moves to the next free index, so
   * every array holds as many of them as it has room for, in order.
   */
  private static float[] values(int n, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextFloat() * 24f - 12f;
    }
    float[] specials = {Float.NaN, Float.intBitsToFloat(0xffc00123), Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 0.3f, -0.3f, 20f, -20f,
        88.8f, -88.8f, 100f, -100f, 3e38f, -3e38f, Float.MIN_VALUE, -Float.MIN_VALUE};
    int[] at = {0, n / 2, n - 1, n / 3, n - 17};
    boolean[] special = new boolean[n];
    for (int k = 0; k < Math.min(specials.length, n); k++) {
      int i = Math.floorMod(at[k % at.length] + k / at.length, n);
      while (special[i]) {
        i = (i + 1) % n;
      }
      special[i] = true;
      values[i] = specials[k];
    }
    return values;
  }

  /** A contiguous view of the values starting {@code offset} floats into a tensor of arena. */
  private static Tensor atOffset(Arena arena, float[] values, int offset) {
    Tensor base = Tensor.allocate(arena, DType.FLOAT32, values.length + offset);
    Tensor view = base.slice(0, offset, offset + values.length);
    view.copyFrom(values);
    return view;
  }

  @Test
  void transcendentalActivationsMatchTheReferenceAtEveryLevel() {
    IsaLevels.atEveryLevel(nk, isa -> {
      for (Activation f : FUNCTIONS) {
        for (int n : LENGTHS) {
          float[] values = values(n, n);
          try (Tensor x = Tensor.of(values, n);
               Tensor expected = Tensor.zeros(n);
               Tensor actual = Tensor.zeros(n)) {
            reference.activations().forward(f, 0f, x, expected);
            candidate.activations().forward(f, 0f, x, actual);
            String what = isa.id() + " " + f + " n=" + n;
            TensorAssertions.assertClose(expected, actual, TAIL_ABS, rel(f), what);
            candidate.activations().forward(f, 0f, x, x);
            TensorAssertions.assertClose(actual, x, 0, 0, what + " in place");
          }
        }
      }
    });
  }

  @Test
  void largeTranscendentalActivationsStreamAtEveryLevel() {
    float[] values = values(LARGE, 17);
    for (Activation f : FUNCTIONS) {
      try (Tensor x = Tensor.of(values, LARGE); Tensor expected = Tensor.zeros(LARGE)) {
        reference.activations().forward(f, 0f, x, expected);
        IsaLevels.atEveryLevel(nk, isa -> {
          String what = isa.id() + " " + f + " large";
          try (Arena arena = Arena.ofShared()) {
            Tensor xs = atOffset(arena, values, 3);
            Tensor ys = atOffset(arena, new float[LARGE], 1);
            candidate.activations().forward(f, 0f, xs, ys);
            TensorAssertions.assertClose(expected, ys, TAIL_ABS, rel(f), what + ", unaligned");
            candidate.activations().forward(f, 0f, xs, xs);
            TensorAssertions.assertClose(ys, xs, 0, 0, what + " in place");
          }
        });
      }
    }
  }

  /**
   * Uniform rows in [-10, 10], of which (as far as there are rows) row 1 holds NaN, row 2 ends in
   * +inf, row 3 is all -inf, row 4 starts and ends with -inf (only those two are then 0 when the
   * row is wider than 2).
   */
  private static float[] rows(int rows, int width, long seed) {
    Random random = new Random(seed);
    float[] values = new float[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() * 20f - 10f;
    }
    if (rows < 5) {
      values[rows * width - 1] = Float.NEGATIVE_INFINITY;
      return values;
    }
    values[width + Math.min(5, width - 1)] = Float.NaN;
    values[3 * width - 1] = Float.POSITIVE_INFINITY;
    java.util.Arrays.fill(values, 3 * width, 4 * width, Float.NEGATIVE_INFINITY);
    if (width > 2) {
      values[4 * width] = Float.NEGATIVE_INFINITY;
      values[5 * width - 1] = Float.NEGATIVE_INFINITY;
    }
    return values;
  }

  @Test
  void softmaxMatchesTheReferenceAtEveryLevel() {
    // Rows, width, and the offsets in floats of x and y. The large rows stream, at odd widths
    // from unaligned starts (every row at a different lane), at a width of whole vectors from
    // aligned ones, and in rows shorter than a vector; 3 x 10007 is longer than the C stack
    // buffer.
    int[][] shapes = {
        {ROWS, WIDTH, 1, 2}, {ALIGNED_ROWS, ALIGNED_WIDTH, 0, 0}, {SHORT_ROWS, 10, 1, 2},
        {3, 10_007, 1, 2}, {7, 33, 1, 2}, {5, 1, 1, 2}, {6, 16, 1, 2}};
    for (int[] s : shapes) {
      float[] values = rows(s[0], s[1], s[1]);
      int n = s[0] * s[1];
      try (Tensor x = Tensor.of(values, s[0], s[1]);
           Tensor probabilities = Tensor.zeros(s[0], s[1]);
           Tensor logs = Tensor.zeros(s[0], s[1])) {
        reference.softmax().softmax(x, -1, probabilities);
        reference.softmax().logSoftmax(x, -1, logs);
        IsaLevels.atEveryLevel(nk, isa -> {
          String what = isa.id() + " softmax " + s[0] + "x" + s[1];
          try (Arena arena = Arena.ofShared()) {
            Tensor xs = atOffset(arena, values, s[2]).reshape(s[0], s[1]);
            Tensor ys = atOffset(arena, new float[n], s[3]).reshape(s[0], s[1]);
            candidate.softmax().softmax(xs, -1, ys);
            TensorAssertions.assertClose(probabilities, ys, PROB_ABS, PROB_REL, what);
            candidate.softmax().logSoftmax(xs, -1, ys);
            TensorAssertions.assertClose(logs, ys, LOG_ABS, LOG_REL, "log " + what);
            candidate.softmax().softmax(xs, -1, xs);
            TensorAssertions.assertClose(probabilities, xs, PROB_ABS, PROB_REL,
                what + " in place");
          }
        });
      }
    }
  }

  /**
   * Inputs far out in both tails give no subnormal output (sigmoid of -90 was 6.1e-39): a
   * subnormal costs the C kernels a microcode assist per vector. Within the tolerances at the
   * same time, in calls long enough to stream and short ones with a partial vector.
   */
  @Test
  void activationTailsAreNeverSubnormal() {
    float[] far = {-1e30f, -200f, -90f, -88f, -87f, -20f, 20f, 87f, 88f, 90f, 200f, 1e30f,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    for (int n : new int[] {LARGE, 37}) {
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = far[i % far.length];
      }
      for (Activation f : FUNCTIONS) {
        try (Tensor x = Tensor.of(values, n); Tensor expected = Tensor.zeros(n)) {
          reference.activations().forward(f, 0f, x, expected);
          IsaLevels.atEveryLevel(nk, isa -> {
            String what = isa.id() + " " + f + " tails, " + n;
            try (Tensor y = Tensor.zeros(n)) {
              candidate.activations().forward(f, 0f, x, y);
              TensorAssertions.assertClose(expected, y, TAIL_ABS, rel(f), what);
              TensorAssertions.assertNoSubnormal(what + ": f", values, y.toFloatArray());
            }
          });
        }
      }
    }
  }

  /**
   * Entries far below their row's maximum (masked ones at -inf or -1e30, and those whose
   * probability would be subnormal) come out exactly 0, and no probability is subnormal: a
   * subnormal costs the C kernel a microcode assist per vector, which made masked rows run ten
   * times slower. Streamed and cached calls, widths with and without a partial vector.
   */
  @Test
  void softmaxFlushesWhatWouldBeSubnormal() {
    int[][] shapes = {{ALIGNED_ROWS, ALIGNED_WIDTH}, {ROWS, WIDTH}, {64, 10}, {16, 100}};
    for (int[] s : shapes) {
      IsaLevels.atEveryLevel(nk, isa -> FarBelowTheMaximum.check(candidate.softmax(), s[0], s[1],
          isa.id() + " softmax " + s[0] + "x" + s[1]));
    }
  }


  @Test
  void layerNormMatchesTheReferenceAtEveryLevel() {
    int[][] shapes = {{ROWS, WIDTH}, {7, 33}, {4, 1}, {3, 10_007}};
    for (int[] s : shapes) {
      int n = s[0] * s[1];
      float[] values = values(n, s[1]);
      for (int i = 0; i < n; i++) {
        values[i] = Math.abs(values[i]) < 1e3f ? values[i] + 100f : 1f;
      }
      assertLayerNormAtEveryLevel(values, s[0], s[1], s[0] + "x" + s[1]);
    }
  }

  /**
   * Rows whose statistics the native kernel cannot take in one pass around the mean of their first
   * block, beside rows it can, at every ISA level: a sorted row and a first block far above a row
   * of small values (where the one-pass variance would lose about three decimal digits, so a
   * missing second pass fails the comparison), a large offset with a small spread, a constant
   * row, random values, and a constant row of 1e37, whose first block's sum overflows float.
   */
  @Test
  void layerNormOfRowsWhoseFirstBlockIsFarFromTheMean() {
    int rows = 6;
    int width = 20_000;
    float[] values = values(rows * width, width);
    for (int j = 0; j < width; j++) {
      values[j] = j;
      values[width + j] = j < 64 ? 1e3f : (j % 7) * 0.25f - 0.75f;
      values[2 * width + j] = 100f + (j % 5) * 0.5f;
      values[3 * width + j] = -2.5f;
      values[4 * width + j] = Math.abs(values[4 * width + j]) < 1e3f ? values[4 * width + j] : 1f;
      values[5 * width + j] = 1e37f;
    }
    assertLayerNormAtEveryLevel(values, rows, width, "far first blocks");
  }

  /**
   * Layer norm of {@code values} as {@code [rows, width]} against the reference at every ISA
   * level: from unaligned input into unaligned output with the mean and rstd, then in place.
   */
  private static void assertLayerNormAtEveryLevel(float[] values, int rows, int width,
      String name) {
    int n = rows * width;
    try (Tensor x = Tensor.of(values, rows, width);
         Tensor gamma = Tensor.of(values(width, 3), width);
         Tensor beta = Tensor.of(values(width, 4), width);
         Tensor expected = Tensor.zeros(rows, width);
         Tensor mean = Tensor.zeros(rows);
         Tensor rstd = Tensor.zeros(rows)) {
      sanitise(gamma);
      sanitise(beta);
      reference.norm().layerNormForward(x, gamma, beta, 1e-5f, expected, mean, rstd);
      IsaLevels.atEveryLevel(nk, isa -> {
        String what = isa.id() + " layer norm " + name;
        try (Arena arena = Arena.ofShared()) {
          Tensor xs = atOffset(arena, values, 1).reshape(rows, width);
          Tensor ys = atOffset(arena, new float[n], 2).reshape(rows, width);
          Tensor actualMean = Tensor.allocate(arena, DType.FLOAT32, rows);
          Tensor actualRstd = Tensor.allocate(arena, DType.FLOAT32, rows);
          candidate.norm().layerNormForward(xs, gamma, beta, 1e-5f, ys, actualMean, actualRstd);
          TensorAssertions.assertClose(expected, ys, NORM_TOL, NORM_TOL, what);
          TensorAssertions.assertClose(mean, actualMean, NORM_TOL, NORM_TOL, what + " mean");
          TensorAssertions.assertClose(rstd, actualRstd, NORM_TOL, NORM_TOL, what + " rstd");
          candidate.norm().layerNormForward(xs, gamma, beta, 1e-5f, xs, null, null);
          TensorAssertions.assertClose(expected, xs, NORM_TOL, NORM_TOL, what + " in place");
        }
      });
    }
  }

  /** Gamma and beta of modest finite values: the specials belong in x. */
  private static void sanitise(Tensor t) {
    for (int i = 0; i < t.size(); i++) {
      float v = t.getFlat(i);
      t.setFlat(i, Math.abs(v) < 1e3f ? v / 12f : 0.5f);
    }
  }

  @Test
  void activationForwardRejectsOtherFunctionsAndShortSegments() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment x = arena.allocate(64 * Float.BYTES);
      MemorySegment y = arena.allocate(64 * Float.BYTES);
      NativeKernelException wrong = assertThrows(NativeKernelException.class,
          () -> nk.activationForward(Activation.RELU.ordinal(), 64, x, y));
      assertEquals(-4, wrong.status(), wrong.getMessage());
      assertTrue(wrong.getMessage().contains("hn_activation_forward"), wrong.getMessage());
      IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
          () -> nk.activationForward(NativeKernels.ACTIVATION_TANH, 65, x, y));
      assertTrue(tooShort.getMessage().startsWith("x"), tooShort.getMessage());
    }
  }
}
