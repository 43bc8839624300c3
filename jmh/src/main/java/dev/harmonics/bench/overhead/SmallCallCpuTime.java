package dev.harmonics.bench.overhead;

import com.sun.management.ThreadMXBean;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The calls of {@link SmallCalls} (64 elements) timed by the calling thread's CPU time rather
 * than the wall clock, alternated in rounds in one JVM. On a shared machine the wall clock counts
 * the time the thread waits for a core; its CPU time does not, so this shows what a change did to
 * the call itself. Also prints the bytes allocated per call.
 *
 * <p>Arguments: optionally {@code --backend=ID} (default simd; native-cpu is the default backend
 * where its library loads), then the names of the calls to run; all by default.
 */
public final class SmallCallCpuTime {

  private static final int WARM_UP_ROUNDS = 10;
  private static final int WARM_UP_CALLS = 300_000;
  private static final int ROUNDS = 7;
  private static final int CALLS = 1_000_000;

  /**
   * Keeps each call's result reachable. Not volatile: a volatile store is a fence, which would add
   * its own cost to every call; the calls write their outputs, so none can be dropped anyway.
   */
  private static Object sink;

  private SmallCallCpuTime() {}

  /** Runs the rounds; see the class comment for the arguments. */
  public static void main(String[] args) {
    List<String> only = new ArrayList<>(Arrays.asList(args));
    Backend backend = Backend.SIMD;
    if (!only.isEmpty() && only.get(0).startsWith("--backend=")) {
      backend = Backend.fromId(only.remove(0).substring("--backend=".length()));
    }
    try (SmallCalls fixture = new SmallCalls(KernelProviders.of(backend))) {
      Map<String, Supplier<Object>> calls = fixture.byName();
      for (String name : only) {
        if (!calls.containsKey(name)) {
          throw new IllegalArgumentException(
              "call " + name + " (expected one of " + calls.keySet() + ")");
        }
      }
      if (!only.isEmpty()) {
        calls.keySet().retainAll(only);
      }
      run(calls);
    }
  }

  private static void run(Map<String, Supplier<Object>> calls) {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int w = 0; w < WARM_UP_ROUNDS; w++) {
      calls.values().forEach(call -> cpuNanosPerCall(threads, call, WARM_UP_CALLS));
    }
    Map<String, double[]> nanos = new LinkedHashMap<>();
    Map<String, Double> bytes = new LinkedHashMap<>();
    calls.keySet().forEach(name -> nanos.put(name, new double[ROUNDS]));
    for (int r = 0; r < ROUNDS; r++) {
      for (Map.Entry<String, Supplier<Object>> e : calls.entrySet()) {
        long allocated = threads.getCurrentThreadAllocatedBytes();
        nanos.get(e.getKey())[r] = cpuNanosPerCall(threads, e.getValue(), CALLS);
        bytes.put(e.getKey(),
            (threads.getCurrentThreadAllocatedBytes() - allocated) / (double) CALLS);
      }
    }
    for (String name : calls.keySet()) {
      double[] sorted = nanos.get(name).clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "%-12s median %7.1f ns  best %7.1f ns  %6.1f B/call%n",
          name, sorted[ROUNDS / 2], sorted[0], bytes.get(name));
    }
  }

  private static double cpuNanosPerCall(ThreadMXBean threads, Supplier<Object> call, int n) {
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      sink = call.get();
    }
    return (threads.getCurrentThreadCpuTime() - start) / (double) n;
  }
}
