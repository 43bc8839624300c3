package dev.harmonics.schedule;

import dev.harmonics.data.Batch;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.partition.Boundary;
import dev.harmonics.partition.Partition;
import dev.harmonics.partition.PartitionedGraph;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.ListeningChannel;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.Transports;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs one partition of a pipeline in this process, its boundaries bound to the network: the
 * partition after a boundary listens on that boundary's {@link RemoteBinding}, the partition
 * before it connects to it (host names resolved by the system resolver, retries with the link
 * policy's backoff). Every process of the pipeline calls {@link #step} with the same batches;
 * each feeds only the producers its partition reads.
 *
 * <p>A peer that cannot be reached, dies or stays silent ends the step with a
 * {@link SchedulerException} naming the partition and the binding; so does a secure-mode proof
 * that does not match (every later step is refused, as in {@link DistributedScheduler}).
 */
public final class RemoteScheduler implements AutoCloseable {

  private final PartitionedGraph graph;
  private final PipelineOptions options;
  private final CycleRuntime runtime;
  private final PartitionWorker worker;
  private final ListeningChannel upstream;
  private final TensorChannel downstream;
  private Throwable failure;

  private RemoteScheduler(PartitionedGraph graph, PipelineOptions options, CycleRuntime runtime,
      PartitionWorker worker, ListeningChannel upstream, TensorChannel downstream) {
    this.graph = graph;
    this.options = options;
    this.runtime = runtime;
    this.worker = worker;
    this.upstream = upstream;
    this.downstream = downstream;
  }

  /**
   * Starts partition {@code index}: listens on {@code listen} (its input boundary's binding;
   * null for the first partition) and connects to {@code connect} (its output boundary's
   * binding; null for the last).
   *
   * @throws IllegalArgumentException when a binding is missing, superfluous, or named other than
   *     its boundary
   * @throws SchedulerException naming the binding when the peer cannot be reached
   */
  public static RemoteScheduler start(PartitionedGraph graph, int index, KernelProvider kernels,
      long seed, PipelineOptions options, RemoteBinding listen, RemoteBinding connect,
      LinkPolicy policy, boolean secure) {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(policy, "policy");
    if (index < 0 || index >= graph.size()) {
      throw new IllegalArgumentException("index: " + index + " (expected: 0 to "
          + (graph.size() - 1) + ")");
    }
    Partition p = graph.partition(index);
    check(p.input(), listen, "listen", index);
    check(p.output(), connect, "connect", index);
    CycleRuntime runtime = CycleRuntime.compilePartition(p.graph(), graph.whole(), kernels, seed,
        p.input() == null ? Set.of() : Set.of(p.input().producerNode()));
    ListeningChannel up = null;
    TensorChannel down = null;
    try {
      runtime.setTrainingOptions(options.training());
      up = listen == null ? null : Transports.listen(listen, policy);
      down = connect == null ? null : Transports.connect(connect, policy);
    } catch (TransportException e) {
      closeAll(runtime, up, down);
      throw new SchedulerException("partition " + index + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeAll(runtime, up, down);
      throw e;
    }
    String upName = listen == null ? null : listen.describe();
    String downName = connect == null ? null : connect.describe();
    PartitionWorker worker = new PartitionWorker(p, graph.size(), runtime, up, down, upName,
        downName, secure, options.receiveTimeout(), () -> false);
    return new RemoteScheduler(graph, options, runtime, worker, up, down);
  }

  private static void check(Boundary boundary, RemoteBinding binding, String role, int index) {
    if (boundary == null && binding != null) {
      throw new IllegalArgumentException("partition " + index + ": " + role + " binding "
          + binding.describe() + " given, but the partition has no boundary there");
    }
    if (boundary != null && binding == null) {
      throw new IllegalArgumentException("partition " + index + ": no " + role
          + " binding for boundary '" + boundary.name() + "'");
    }
    if (boundary != null && !boundary.name().equals(binding.name())) {
      throw new IllegalArgumentException("partition " + index + ": " + binding.describe()
          + " is bound where boundary '" + boundary.name() + "' is (expected: a binding named"
          + " after its boundary)");
    }
  }

  private static void closeAll(CycleRuntime runtime, TensorChannel up, TensorChannel down) {
    if (down != null) {
      down.close();
    }
    if (up != null) {
      up.close();
    }
    runtime.close();
  }

  /** The port the input boundary listens on (useful when its binding asked for port 0). */
  public int listeningPort() {
    if (upstream == null) {
      throw new IllegalStateException("the first partition listens on nothing");
    }
    return upstream.port();
  }

  /** This partition's runtime. */
  public CycleRuntime runtime() {
    return runtime;
  }

  /** The partitions of the whole pipeline. */
  public PartitionedGraph partitioned() {
    return graph;
  }

  /** Starts or stops recording what this partition receives. */
  public void recordReceived(boolean on) {
    worker.recordReceived(on);
  }

  /** What this partition received (name and shape per message) since the last call. */
  public List<String> received() {
    return worker.log();
  }

  /** {@link #step(Map)} on a batch. */
  public StepResult step(Batch batch) {
    return step(MicroBatches.inputs(graph.whole(), batch));
  }

  /**
   * This partition's part of one training step: {@code inputs} holds the whole batch as every
   * process sees it; only this partition's producers are fed.
   *
   * @return this partition's update, with the mean loss over the micro-batches when it holds the
   *     loss (0 otherwise)
   * @throws SchedulerException naming the binding when a peer fails
   */
  public StepResult step(Map<String, Tensor> inputs) {
    if (failure != null) {
      throw new IllegalStateException("an earlier step failed (" + failure.getMessage()
          + "); close this scheduler and start a new one");
    }
    var data = MicroBatches.split(graph, inputs, options.microBatches());
    try {
      StepResult r = worker.trainStep(data.get(worker.partition().index()));
      return DistributedScheduler.combine(List.of(r), options.microBatches());
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public void close() {
    closeAll(runtime, upstream, downstream);
  }
}
