package dev.harmonics.bench.overhead;

import com.sun.management.ThreadMXBean;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the native backend's C kernels start to beat the SIMD Java ones: each kernel that has a C
 * version, on one thread, at sizes from 64 to 64k elements, the two backends alternated in rounds
 * in one JVM and timed by the calling thread's CPU time (see {@link SmallCallCpuTime} for why).
 * Run with {@code -Dharmonics.native.javaBelow=0 -Dharmonics.threads=1} so that every native call
 * reaches C and neither backend splits work; prints ns per call and the ratio native / SIMD.
 */
public final class NativeCrossoverCpuTime {

  private static final int[] SIZES = {64, 256, 1024, 2048, 4096, 8192, 16384, 65536};
  private static final String[] KERNELS = {"relu", "sigmoid", "tanh", "geluTanh", "add", "softmax",
      "layerNorm", "sgd", "adam"};
  private static final int ROUNDS = 5;
  private static final long ELEMENTS_PER_BURST = 20_000_000L;

  /** Keeps results reachable; see {@link SmallCallCpuTime}. */
  private static Object sink;

  private NativeCrossoverCpuTime() {}

  /** Runs the rounds for every kernel, or for the kernels named in {@code args}. */
  public static void main(String[] args) {
    KernelProvider simd = KernelProviders.of(Backend.SIMD);
    KernelProvider nativeCpu = KernelProviders.of(Backend.NATIVE_CPU);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    System.out.println(nativeCpu.description());
    List<String> known = List.of(KERNELS);
    for (String name : args) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("kernel " + name + " (expected one of " + known + ")");
      }
    }
    for (String kernel : args.length > 0 ? args : KERNELS) {
      for (int size : SIZES) {
        try (Inputs in = new Inputs(size)) {
          int calls = (int) Math.max(1000, ELEMENTS_PER_BURST / size);
          double[] s = new double[ROUNDS];
          double[] c = new double[ROUNDS];
          for (int r = -2; r < ROUNDS; r++) {
            double simdNs = nanosPerCall(threads, simd, kernel, in, calls);
            double nativeNs = nanosPerCall(threads, nativeCpu, kernel, in, calls);
            if (r >= 0) {
              s[r] = simdNs;
              c[r] = nativeNs;
            }
          }
          Arrays.sort(s);
          Arrays.sort(c);
          System.out.printf(Locale.ROOT, "%-10s %6d  simd %10.1f ns  native %10.1f ns  %.2fx%n",
              kernel, size, s[ROUNDS / 2], c[ROUNDS / 2], c[ROUNDS / 2] / s[ROUNDS / 2]);
        }
      }
    }
  }

  private static double nanosPerCall(ThreadMXBean threads, KernelProvider k, String kernel,
      Inputs in, int calls) {
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < calls; i++) {
      sink = in.call(k, kernel);
    }
    return (threads.getCurrentThreadCpuTime() - start) / (double) calls;
  }

  /** The tensors of one size; a row of {@code size} for softmax and layer norm. */
  private static final class Inputs implements AutoCloseable {
    private final Tensor x;
    private final Tensor y;
    private final Tensor out;
    private final Tensor gamma;
    private final Tensor beta;
    private final Tensor m;
    private final Tensor v;
    private final AdamConfig adam = AdamConfig.adam(1e-3);
    private final SgdConfig sgd = SgdConfig.ofMomentum(1e-3, 0.9);
    private long step;

    Inputs(int size) {
      float[] values = new float[size];
      for (int i = 0; i < size; i++) {
        values[i] = (i % 7 - 3) * 0.25f;
      }
      x = Tensor.of(values, 1, size);
      y = Tensor.of(values, 1, size);
      out = Tensor.zeros(1, size);
      gamma = Tensor.zeros(size).fill(1f);
      beta = Tensor.zeros(size);
      m = Tensor.zeros(1, size);
      v = Tensor.zeros(1, size);
    }

    Tensor call(KernelProvider k, String kernel) {
      switch (kernel) {
        case "relu" -> k.activations().forward(Activation.RELU, 0f, x, out);
        case "sigmoid" -> k.activations().forward(Activation.SIGMOID, 0f, x, out);
        case "tanh" -> k.activations().forward(Activation.TANH, 0f, x, out);
        case "geluTanh" -> k.activations().forward(Activation.GELU_TANH, 0f, x, out);
        case "add" -> k.elementwise().add(x, y, out);
        case "softmax" -> k.softmax().softmax(x, 1, out);
        case "layerNorm" -> k.norm().layerNormForward(x, gamma, beta, 1e-5f, out, null, null);
        case "sgd" -> k.optimizers().sgd(sgd, ++step, out, x, m);
        case "adam" -> k.optimizers().adam(adam, ++step, out, x, m, v);
        default -> throw new IllegalArgumentException("kernel " + kernel);
      }
      return out;
    }

    @Override
    public void close() {
      for (Tensor t : new Tensor[] {x, y, out, gamma, beta, m, v}) {
        t.close();
      }
    }
  }
}
