package dev.harmonics.backend.nativecpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default native provider's routing of small calls ({@link SmallCalls}): below the threshold
 * each kernel with a C version gives exactly the Java backend's bits; at and above it the C
 * kernel runs and stays within the conformance tolerance of the reference.
 */
class NativeCpuSmallCallsTest {

  /** Small enough to keep the test fast; the routing does not depend on the value. */
  private static final int JAVA_BELOW = 300;
  /** Lengths around a vector (1, 63, 64, 65) and both sides of the threshold. */
  private static final int[] LENGTHS = {1, 63, 64, 65, JAVA_BELOW - 1, JAVA_BELOW, 1000};
  /** The native conformance suites' loosest tolerance for these kernels (exp in softmax). */
  private static final double TOLERANCE = 2e-5;

  private static KernelProvider routed;
  private static KernelProvider java;
  private static KernelProvider reference;

  @BeforeAll
  static void setUp() {
    NativeCpuBackend.assumeAvailable();
    routed = new NativeCpuProvider(NativeKernels.load(), JavaKernels.provider(),
        new SmallCalls(JAVA_BELOW));
    java = JavaKernels.provider();
    reference = KernelProviders.of(Backend.REFERENCE);
  }

  /** One kernel call on {@code n}-element inputs, writing {@code out}. */
  private interface Call {
    void run(KernelProvider k, Tensor[] in, Tensor out);
  }

  /** Runs {@code call} on each provider from the same inputs and compares the outputs. */
  private static void check(String name, Call call) {
    for (int n : LENGTHS) {
      Tensor routedOut = run(routed, call, n);
      Tensor javaOut = run(java, call, n);
      Tensor referenceOut = run(reference, call, n);
      String what = name + " on " + n + " elements";
      if (n < JAVA_BELOW) {
        assertArrayEquals(javaOut.toFloatArray(), routedOut.toFloatArray(),
            what + ": routed to Java, so the Java backend's bits");
      }
      TensorAssertions.assertClose(referenceOut, routedOut, TOLERANCE, TOLERANCE, what);
      for (Tensor t : new Tensor[] {routedOut, javaOut, referenceOut}) {
        t.close();
      }
    }
  }

  /** Fresh inputs from one seed for every provider, so in-place updates start alike. */
  private static Tensor run(KernelProvider k, Call call, int n) {
    RandomTensors random = new RandomTensors(n);
    Tensor[] in = new Tensor[4];
    for (int i = 0; i < in.length; i++) {
      in[i] = random.uniform(-2f, 2f, 1, n);
    }
    in[3].close();
    in[3] = Tensor.zeros(1, n);
    Tensor out = Tensor.zeros(1, n);
    call.run(k, in, out);
    Tensor result = Tensor.of(out.toFloatArray(), 1, n);
    out.close();
    for (Tensor t : in) {
      t.close();
    }
    return result;
  }

  @Test
  void reluIsRoutedBySize() {
    check("relu", (k, in, out) -> k.activations().forward(Activation.RELU, 0f, in[0], out));
  }

  @Test
  void sigmoidTanhAndGeluAreRoutedBySize() {
    for (Activation f : new Activation[] {Activation.SIGMOID, Activation.TANH,
        Activation.GELU_TANH}) {
      check(f.name(), (k, in, out) -> k.activations().forward(f, 0f, in[0], out));
    }
  }

  @Test
  void reluBackwardIsRoutedBySize() {
    check("relu backward",
        (k, in, out) -> k.activations().backward(Activation.RELU, 0f, in[0], in[1], in[2], out));
  }

  @Test
  void addIsRoutedBySize() {
    check("add", (k, in, out) -> k.elementwise().add(in[0], in[1], out));
  }

  @Test
  void softmaxAndLogSoftmaxAreRoutedBySize() {
    check("softmax", (k, in, out) -> k.softmax().softmax(in[0], 1, out));
    check("log-softmax", (k, in, out) -> k.softmax().logSoftmax(in[0], -1, out));
  }

  @Test
  void layerNormIsRoutedBySize() {
    check("layer norm", (k, in, out) -> {
      int n = in[0].dim(1);
      try (Tensor gamma = Tensor.zeros(n).fill(1.5f); Tensor beta = Tensor.zeros(n).fill(0.25f);
          Tensor mean = Tensor.zeros(1); Tensor rstd = Tensor.zeros(1)) {
        k.norm().layerNormForward(in[0], gamma, beta, 1e-5f, out, mean, rstd);
      }
    });
  }

  @Test
  void sgdWithMomentumIsRoutedBySize() {
    SgdConfig config = SgdConfig.ofMomentum(0.1, 0.9);
    update("sgd", (k, in) -> {
      k.optimizers().sgd(config, 1, in[0], in[1], in[3]);
      k.optimizers().sgd(config, 2, in[0], in[2], in[3]);
    });
  }

  @Test
  void adamIsRoutedBySize() {
    AdamConfig config = AdamConfig.adam(1e-2);
    update("adam", (k, in) -> {
      try (Tensor v = Tensor.zeros(in[0].shape())) {
        for (int step = 1; step <= 3; step++) {
          k.optimizers().adam(config, step, in[0], in[1 + step % 2], in[3], v);
        }
      }
    });
  }

  /** An in-place update of {@code in[0]} (with state {@code in[3]}), compared like {@link #check}. */
  private static void update(String name, BiConsumer<KernelProvider, Tensor[]> step) {
    check(name, (k, in, out) -> {
      step.accept(k, in);
      out.copyFrom(in[0].toFloatArray());
    });
  }

  /**
   * Batch norm training forward has no C kernel: the native backend hands it to the Java kernel
   * without checking again, so every output and both running statistics are the Java backend's
   * bits, on small dense inputs (the register path) and larger and spatial ones.
   */
  @Test
  void batchNormTrainingForwardGivesTheJavaBits() {
    int[][] shapes = {{8, 8}, {2, 1}, {5, 7}, {3, 17}, {40, 33}, {200, 30}, {2, 3, 4, 5}};
    for (int[] shape : shapes) {
      int c = shape[1];
      float[][][] results = new float[2][][];
      for (int i = 0; i < 2; i++) {
        KernelProvider k = i == 0 ? routed : java;
        RandomTensors random = new RandomTensors(c);
        try (Tensor x = random.uniform(-2f, 3f, shape); Tensor y = Tensor.zeros(shape);
            Tensor gamma = random.uniform(0.5f, 1.5f, c); Tensor beta = random.uniform(-1f, 1f, c);
            Tensor mean = Tensor.zeros(c); Tensor var = Tensor.zeros(c).fill(1f);
            Tensor save = Tensor.zeros(c); Tensor inv = Tensor.zeros(c)) {
          k.norm().batchNormTrainingForward(x, gamma, beta, mean, var, 0.1f, 1e-5f, y, save, inv);
          results[i] = new float[][] {y.toFloatArray(), mean.toFloatArray(), var.toFloatArray(),
              save.toFloatArray(), inv.toFloatArray()};
        }
      }
      for (int o = 0; o < results[0].length; o++) {
        assertArrayEquals(results[1][o], results[0][o],
            "batch norm " + Arrays.toString(shape) + ", output " + o);
      }
    }
  }

  @Test
  void adamStaysInJavaAtEverySizeByDefault() {
    KernelProvider measured =
        new NativeCpuProvider(NativeKernels.load(), java, new SmallCalls(-1));
    AdamConfig config = AdamConfig.adamW(1e-2, 0.1);
    float[][] results = new float[2][];
    for (int i = 0; i < 2; i++) {
      KernelProvider k = i == 0 ? measured : java;
      RandomTensors random = new RandomTensors(3);
      try (Tensor p = random.uniform(-1f, 1f, 5000); Tensor g = random.uniform(-1f, 1f, 5000);
          Tensor m = Tensor.zeros(5000); Tensor v = Tensor.zeros(5000)) {
        k.optimizers().adam(config, 1, p, g, m, v);
        k.optimizers().adam(config, 2, p, g, m, v);
        results[i] = p.toFloatArray();
      }
    }
    assertArrayEquals(results[1], results[0], "Adam on 5000 elements: the Java backend's bits");
  }

  @Test
  void theThresholdComesFromTheSystemPropertyAndBadValuesAreNamed() {
    String before = System.getProperty(SmallCalls.PROPERTY);
    try {
      System.clearProperty(SmallCalls.PROPERTY);
      SmallCalls measured = SmallCalls.fromSystemProperty();
      for (SmallCalls.Kernel kernel : SmallCalls.Kernel.values()) {
        assertEquals(kernel.measuredJavaBelow, measured.javaBelow(kernel), kernel.name());
      }
      System.setProperty(SmallCalls.PROPERTY, " 0 ");
      SmallCalls allInC = SmallCalls.fromSystemProperty();
      for (SmallCalls.Kernel kernel : SmallCalls.Kernel.values()) {
        assertFalse(allInC.inJava(kernel, 1), "0 sends every call to C: " + kernel.name());
      }
      System.setProperty(SmallCalls.PROPERTY, "lots");
      IllegalArgumentException notANumber =
          assertThrows(IllegalArgumentException.class, SmallCalls::fromSystemProperty);
      assertTrue(notANumber.getMessage().contains(SmallCalls.PROPERTY + ": 'lots'"),
          notANumber.getMessage());
      System.setProperty(SmallCalls.PROPERTY, "-1");
      IllegalArgumentException negative =
          assertThrows(IllegalArgumentException.class, SmallCalls::fromSystemProperty);
      assertTrue(negative.getMessage().contains(">= 0"), negative.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(SmallCalls.PROPERTY);
      } else {
        System.setProperty(SmallCalls.PROPERTY, before);
      }
    }
  }
}
