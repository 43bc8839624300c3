package dev.harmonics.spark.model;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.runtime.CycleRuntime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The models of one executor JVM: a model is loaded (its graph parsed, its weights placed) once
 * per JVM and reused by every task that JVM runs, instead of once per task. A runtime is not
 * thread-safe, so concurrent tasks each borrow one from the model's pool and give it back.
 */
public final class ExecutorModels {

  private static final Map<String, ConcurrentLinkedQueue<CycleRuntime>> POOLS =
      new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ExecutorModels() {}

  /**
   * Runs {@code work} with a runtime of {@code model} on {@code kernels}, built on first use in
   * this JVM (or when every built one is busy) and kept for later tasks.
   */
  public static <T> T with(ModelSnapshot model, String id, KernelProvider kernels,
      Function<CycleRuntime, T> work) {
    ConcurrentLinkedQueue<CycleRuntime> pool =
        POOLS.computeIfAbsent(id + "/" + kernels.backend().id(),
            k -> new ConcurrentLinkedQueue<>());
    CycleRuntime runtime = pool.poll();
    if (runtime == null) {
      runtime = model.open(kernels);
      LOADS.incrementAndGet();
    }
    try {
      return work.apply(runtime);
    } finally {
      pool.add(runtime);
    }
  }

  /** How many runtimes this JVM has built so far (at most one per concurrent task per model). */
  public static int loads() {
    return LOADS.get();
  }
}
