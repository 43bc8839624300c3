package dev.harmonics.bench.overhead;

import com.sun.management.ThreadMXBean;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The calls of {@link SmallCallBenchmark} (64 elements, SIMD backend) timed by the calling
 * thread's CPU time rather than the wall clock, alternated in rounds in one JVM. On a shared
 * machine the wall clock counts the time the thread waits for a core; its CPU time does not, so
 * this shows what a change did to the call itself. Also prints the bytes allocated per call.
 *
 * <p>Arguments: optionally the names of the calls to run (relu, add, softmax, layerNorm, sum,
 * adam); all by default.
 */
public final class SmallCallCpuTime {

  private static final int SIZE = 64;
  private static final int WARM_UP_ROUNDS = 10;
  private static final int WARM_UP_CALLS = 300_000;
  private static final int ROUNDS = 7;
  private static final int CALLS = 1_000_000;

  /**
   * Keeps each call's result reachable. Not volatile: a volatile store is a fence, which would add
   * its own cost to every call; the calls write their outputs, so none can be dropped anyway.
   */
  private static Object sink;

  private interface Call {
    Object run();
  }

  private SmallCallCpuTime() {}

  /** Runs the rounds; see the class comment for the arguments. */
  public static void main(String[] args) {
    KernelProvider k = KernelProviders.of(Backend.SIMD);
    AdamConfig adamConfig = AdamConfig.adam(1e-3);
    float[] values = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      values[i] = (i % 7 - 3) * 0.25f;
    }
    Tensor x = Tensor.of(values, SIZE);
    Tensor y = Tensor.of(values, SIZE);
    Tensor out = Tensor.zeros(SIZE);
    Tensor row = Tensor.of(values, 1, SIZE);
    Tensor rowOut = Tensor.zeros(1, SIZE);
    Tensor gamma = Tensor.zeros(SIZE).fill(1f);
    Tensor beta = Tensor.zeros(SIZE);
    Tensor m = Tensor.zeros(SIZE);
    Tensor v = Tensor.zeros(SIZE);
    Tensor sum = Tensor.zeros(1);
    long[] step = {0};
    Map<String, Call> calls = new LinkedHashMap<>();
    calls.put("relu", () -> {
      k.activations().forward(Activation.RELU, 0f, x, out);
      return out;
    });
    calls.put("add", () -> {
      k.elementwise().add(x, y, out);
      return out;
    });
    calls.put("softmax", () -> {
      k.softmax().softmax(row, 1, rowOut);
      return rowOut;
    });
    calls.put("layerNorm", () -> {
      k.norm().layerNormForward(row, gamma, beta, 1e-5f, rowOut, null, null);
      return rowOut;
    });
    calls.put("sum", () -> {
      k.reductions().sum(x, sum, 0);
      return sum;
    });
    calls.put("adam", () -> {
      k.optimizers().adam(adamConfig, ++step[0], out, x, m, v);
      return out;
    });
    List<String> only = Arrays.asList(args);
    for (String name : only) {
      if (!calls.containsKey(name)) {
        throw new IllegalArgumentException(
            "call " + name + " (expected one of " + calls.keySet() + ")");
      }
    }
    if (!only.isEmpty()) {
      calls.keySet().retainAll(only);
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int w = 0; w < WARM_UP_ROUNDS; w++) {
      calls.values().forEach(call -> cpuNanosPerCall(threads, call, WARM_UP_CALLS));
    }
    Map<String, double[]> nanos = new LinkedHashMap<>();
    Map<String, Double> bytes = new LinkedHashMap<>();
    calls.keySet().forEach(name -> nanos.put(name, new double[ROUNDS]));
    for (int r = 0; r < ROUNDS; r++) {
      for (Map.Entry<String, Call> e : calls.entrySet()) {
        long allocated = threads.getCurrentThreadAllocatedBytes();
        nanos.get(e.getKey())[r] = cpuNanosPerCall(threads, e.getValue(), CALLS);
        bytes.put(e.getKey(),
            (threads.getCurrentThreadAllocatedBytes() - allocated) / (double) CALLS);
      }
    }
    for (String name : calls.keySet()) {
      double[] sorted = nanos.get(name).clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "%-10s median %7.1f ns  best %7.1f ns  %6.1f B/call%n",
          name, sorted[ROUNDS / 2], sorted[0], bytes.get(name));
    }
    for (Tensor t : new Tensor[] {x, y, out, row, rowOut, gamma, beta, m, v, sum}) {
      t.close();
    }
  }

  private static double cpuNanosPerCall(ThreadMXBean threads, Call call, int n) {
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      sink = call.run();
    }
    return (threads.getCurrentThreadCpuTime() - start) / (double) n;
  }
}
