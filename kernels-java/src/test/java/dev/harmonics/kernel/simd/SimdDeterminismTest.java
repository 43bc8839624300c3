package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, seeded determinism: a SIMD kernel must give the same bits whether the Vector API code
 * runs interpreted (the first calls) or C2-compiled (after warming). Each case runs once cold,
 * then {@link #WARM_CALLS} times so C2 compiles it, then once more, and compares the bits.
 *
 * <p>The cold run is only cold when this class is the first to call the kernel in its JVM; when
 * another test class warmed it before, the comparison is weaker (compiled against compiled). The
 * build therefore also runs this class alone in a JVM per vector width (kernels-java/pom.xml,
 * the {@code determinism-cold} executions). Shapes are small so the warm-up takes a few seconds.
 */
class SimdDeterminismTest {

  /** Enough calls for C2 to compile the kernel loops (its threshold is about 10,000). */
  private static final int WARM_CALLS = 20_000;
  private static final int ROWS = 4;
  /**
   * Ten classes, as in Fashion-MNIST, plus odd widths that exercise the vector tails. Rows of one
   * to two vectors have their own cross-entropy path: 10 at 8 lanes, 20 at 16. Softmax rows of
   * whole vectors have their own pass: 48 at every width.
   */
  private static final int[] WIDTHS = {10, 20, 37, 48, 130};

  private final KernelProvider simd = KernelProviders.of(Backend.SIMD);

  private static Tensor input(int rows, int cols, long seed) {
    Random random = new Random(seed);
    float[] values = new float[rows * cols];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * 3);
    }
    return Tensor.of(values, rows, cols);
  }

  private static void assertSameColdAndWarm(String what, Supplier<float[]> kernel) {
    float[] cold = kernel.get();
    for (int i = 0; i < WARM_CALLS; i++) {
      kernel.get();
    }
    float[] warm = kernel.get();
    assertArrayEquals(bits(cold), bits(warm), what + ": interpreted and compiled bits differ");
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }

  @Test
  void softmaxAndLogSoftmax() {
    for (int cols : WIDTHS) {
      try (Tensor x = input(ROWS, cols, cols); Tensor y = Tensor.zeros(ROWS, cols);
          Tensor dy = input(ROWS, cols, cols + 1); Tensor dx = Tensor.zeros(ROWS, cols)) {
        assertSameColdAndWarm("softmax width " + cols, () -> {
          simd.softmax().softmax(x, 1, y);
          simd.softmax().softmaxBackward(y, dy, 1, dx);
          return concat(y.toFloatArray(), dx.toFloatArray());
        });
        assertSameColdAndWarm("logSoftmax width " + cols, () -> {
          simd.softmax().logSoftmax(x, 1, y);
          simd.softmax().logSoftmaxBackward(y, dy, 1, dx);
          return concat(y.toFloatArray(), dx.toFloatArray());
        });
      }
    }
  }

  @Test
  void softmaxCrossEntropy() {
    for (int cols : WIDTHS) {
      int[] labels = new int[ROWS];
      for (int r = 0; r < ROWS; r++) {
        labels[r] = (r * 7) % cols;
      }
      try (Tensor logits = input(ROWS, cols, cols); Tensor label = Tensor.ofInts(labels, ROWS);
          Tensor dlogits = Tensor.zeros(ROWS, cols)) {
        assertSameColdAndWarm("cross-entropy width " + cols, () -> {
          float loss = simd.losses().softmaxCrossEntropy(logits, label, dlogits);
          return concat(new float[] {loss}, dlogits.toFloatArray());
        });
      }
    }
  }

  @Test
  void layerNormAndSum() {
    for (int cols : WIDTHS) {
      try (Tensor x = input(ROWS, cols, cols); Tensor gamma = input(1, cols, 3).reshape(cols);
          Tensor beta = input(1, cols, 4).reshape(cols); Tensor y = Tensor.zeros(ROWS, cols);
          Tensor mean = Tensor.zeros(ROWS); Tensor rstd = Tensor.zeros(ROWS);
          Tensor sum = Tensor.zeros(ROWS)) {
        assertSameColdAndWarm("layerNorm width " + cols, () -> {
          simd.norm().layerNormForward(x, gamma, beta, 1e-5f, y, mean, rstd);
          simd.reductions().sum(x, sum, 1);
          return concat(concat(y.toFloatArray(), mean.toFloatArray()),
              concat(rstd.toFloatArray(), sum.toFloatArray()));
        });
      }
    }
  }

  @Test
  void sigmoidTanhAndGeluTanh() {
    for (int cols : WIDTHS) {
      try (Tensor x = input(ROWS, cols, cols); Tensor y = Tensor.zeros(ROWS, cols);
          Tensor t = Tensor.zeros(ROWS, cols); Tensor g = Tensor.zeros(ROWS, cols)) {
        assertSameColdAndWarm("sigmoid, tanh and GELU-tanh width " + cols, () -> {
          simd.activations().forward(Activation.SIGMOID, 0f, x, y);
          simd.activations().forward(Activation.TANH, 0f, x, t);
          simd.activations().forward(Activation.GELU_TANH, 0f, x, g);
          return concat(concat(y.toFloatArray(), t.toFloatArray()), g.toFloatArray());
        });
      }
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = new float[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
