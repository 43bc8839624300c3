package dev.harmonics.schedule;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.partition.Boundary;
import dev.harmonics.partition.Partition;
import dev.harmonics.partition.PartitionedGraph;
import dev.harmonics.partition.Partitioner;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.bus.TensorBus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Trains a partitioned graph in one process: each partition has its own runtime and its own
 * thread, neighbouring partitions are joined by two bounded in-memory buses (activations forward,
 * gradients back), and each step's batch is cut into micro-batches that flow through the
 * partitions as a pipeline (see {@code docs/scheduling.md} for the schedule).
 *
 * <p>A step gives the same parameters as {@link CycleRuntime#trainStep} with gradient
 * accumulation over the same micro-batches on the whole graph: the same layers run the same
 * kernels on the same values, only on different threads.
 *
 * <p>After a failed step (a partition threw, a boundary timed out) the pipeline's queues are in
 * an unknown state and every later call fails; close it and start again.
 */
public final class DistributedScheduler implements AutoCloseable {

  /** Messages a bus holds before its sender waits: one micro-batch being read, one waiting. */
  static final int BUS_CAPACITY = 2;

  private final PartitionedGraph graph;
  private final PipelineOptions options;
  private final List<CycleRuntime> runtimes = new ArrayList<>();
  private final List<PartitionWorker> workers = new ArrayList<>();
  private final List<TensorChannel> links = new ArrayList<>();
  private final List<ExecutorService> threads = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private long steps;

  /**
   * Compiles every partition of {@code graph} on its own kernels, with the weights
   * {@link CycleRuntime#compile} would draw for the whole graph from {@code seed}.
   *
   * @param kernels one provider per partition
   * @param secure whether boundary tensors carry chained proofs their receiver checks
   */
  public DistributedScheduler(PartitionedGraph graph, List<KernelProvider> kernels, long seed,
      PipelineOptions options, boolean secure) {
    this.graph = Objects.requireNonNull(graph, "graph");
    this.options = Objects.requireNonNull(options, "options");
    if (kernels.size() != graph.size()) {
      throw new IllegalArgumentException("kernels: " + kernels.size() + " providers for "
          + graph.size() + " partitions (expected: one per partition)");
    }
    int n = graph.size();
    TensorChannel[] up = new TensorChannel[n];
    TensorChannel[] down = new TensorChannel[n];
    for (Boundary b : graph.boundaries()) {
      TensorBus forward = new TensorBus(b.name(), BUS_CAPACITY, options.receiveTimeout());
      TensorBus backward = new TensorBus(b.gradientName(), BUS_CAPACITY,
          options.receiveTimeout());
      down[b.from()] = new BusLink(forward, backward);
      up[b.to()] = new BusLink(backward, forward);
      links.add(down[b.from()]);
    }
    for (int k = 0; k < n; k++) {
      Partition p = graph.partition(k);
      CycleRuntime runtime = CycleRuntime.compilePartition(p.graph(), graph.whole(),
          kernels.get(k), seed, p.input() == null ? Set.of() : Set.of(p.input().producerNode()));
      runtime.setTrainingOptions(options.training());
      runtimes.add(runtime);
      String upName = p.input() == null ? null
          : "bus '" + p.input().name() + "' from partition " + (k - 1);
      String downName = p.output() == null ? null
          : "bus '" + p.output().name() + "' to partition " + (k + 1);
      workers.add(new PartitionWorker(p, n, runtime, up[k], down[k], upName, downName, secure,
          options.receiveTimeout(), () -> failure.get() != null));
      int index = k;
      threads.add(Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("partition-" + index).daemon().unstarted(r)));
    }
  }

  /** Cuts {@code graph} into {@code partitions} equal parts, all on {@code kernels}. */
  public static DistributedScheduler create(HarmonicGraph graph, int partitions,
      KernelProvider kernels, long seed, PipelineOptions options) {
    PartitionedGraph cut = Partitioner.partitionGraph(graph, partitions);
    return new DistributedScheduler(cut, Collections.nCopies(partitions, kernels), seed,
        options, false);
  }

  /** The partitions this runs. */
  public PartitionedGraph partitioned() {
    return graph;
  }

  /** The partitions' runtimes, in pipeline order (read their parameters between steps). */
  public List<CycleRuntime> runtimes() {
    return Collections.unmodifiableList(runtimes);
  }

  /** Optimizer updates made so far. */
  public long steps() {
    return steps;
  }

  /** One step on a batch: features to the graph's input producer, labels to its loss target. */
  public StepResult step(Batch batch) {
    return step(MicroBatches.inputs(graph.whole(), batch));
  }

  /**
   * One training step: {@code inputs} (producer name to {@code [n, ...]}, as for
   * {@link CycleRuntime#trainStep}) are cut into micro-batches, pipelined through the partitions,
   * and every partition updates its parameters once.
   *
   * @return the mean loss over the micro-batches, the global gradient norm and the rate
   * @throws SchedulerException naming the partition and boundary when a partition fails
   */
  public StepResult step(Map<String, Tensor> inputs) {
    if (failure.get() != null) {
      throw new IllegalStateException("an earlier step failed (" + failure.get().getMessage()
          + "); close this scheduler and start a new one");
    }
    var data = MicroBatches.split(graph, inputs, options.microBatches());
    List<Future<StepResult>> results = new ArrayList<>();
    for (int k = 0; k < workers.size(); k++) {
      PartitionWorker w = workers.get(k);
      List<Map<String, Tensor>> mine = data.get(k);
      results.add(threads.get(k).submit(() -> {
        try {
          return w.trainStep(mine);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          throw t;
        }
      }));
    }
    List<StepResult> done = new ArrayList<>();
    for (Future<StepResult> f : results) {
      try {
        done.add(f.get());
      } catch (ExecutionException e) {
        // the first failure is the cause; the others stopped because of it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, e);
      }
    }
    Throwable cause = failure.get();
    if (cause != null) {
      if (cause instanceof SchedulerException s) {
        throw s;
      }
      throw new SchedulerException("pipeline step failed: " + cause, cause);
    }
    steps++;
    return combine(done, options.microBatches());
  }

  /** The partitions' updates as one: loss from the loss partitions, the norm over them all. */
  static StepResult combine(List<StepResult> parts, int microBatches) {
    double loss = 0;
    double squares = 0;
    for (StepResult r : parts) {
      loss += r.loss();
      squares += r.gradientNorm() * r.gradientNorm();
    }
    return new StepResult(loss / microBatches, true, Math.sqrt(squares),
        parts.getFirst().learningRate());
  }

  /**
   * Trains {@code epochs} epochs over {@code data}, one step per batch (a batch smaller than the
   * micro-batch count, such as a short last one, is skipped).
   */
  public FitSummary fit(Producer<Batch> data, int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs: " + epochs + " (expected: >= 0)");
    }
    List<Double> losses = new ArrayList<>();
    long before = steps;
    for (int e = 0; e < epochs; e++) {
      if (!data.hasNext()) {
        data.reset();
      }
      double sum = 0;
      int count = 0;
      while (data.hasNext()) {
        try (Batch b = data.next()) {
          if (b.size() < options.microBatches()) {
            continue;
          }
          sum += step(b).loss();
          count++;
        }
      }
      losses.add(count == 0 ? Double.NaN : sum / count);
    }
    return new FitSummary(losses, steps - before);
  }

  /** Copies the partitions' trained values into {@code whole}, a runtime of the whole graph. */
  public void copyParametersTo(CycleRuntime whole) {
    Parameters.copy(runtimes, whole);
  }

  /** Starts recording what each partition receives (names and shapes), for examples and logs. */
  public void recordReceived(boolean on) {
    workers.forEach(w -> w.recordReceived(on));
  }

  /** What partition {@code k} received since the last call, while recording. */
  public List<String> received(int k) {
    return workers.get(k).log();
  }

  @Override
  public void close() {
    threads.forEach(ExecutorService::shutdownNow);
    links.forEach(TensorChannel::close);
    runtimes.forEach(CycleRuntime::close);
  }
}
