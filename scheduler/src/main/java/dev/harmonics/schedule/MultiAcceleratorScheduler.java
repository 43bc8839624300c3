package dev.harmonics.schedule;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.partition.DeploymentDescriptor;
import dev.harmonics.partition.PartitionedGraph;
import dev.harmonics.partition.Partitioner;
import dev.harmonics.partition.Placement;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.StepResult;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link DistributedScheduler} whose partitions run on the backends a
 * {@link DeploymentDescriptor} names, cut in proportion to their shares
 * ({@link Partitioner#autoPartition}). A partition's tensors live with its backend; only boundary
 * values and gradients move between backends, as host copies on the buses.
 *
 * <p>Each placement's backend is taken exactly as written: an explicit {@code simd} or
 * {@code reference} partition runs there even when a faster backend exists, and a backend that
 * cannot run here fails at construction with the reason {@link KernelProviders#availability}
 * gives.
 */
public final class MultiAcceleratorScheduler implements AutoCloseable {

  private final DistributedScheduler pipeline;
  private final List<Backend> backends;

  private MultiAcceleratorScheduler(DistributedScheduler pipeline, List<Backend> backends) {
    this.pipeline = pipeline;
    this.backends = List.copyOf(backends);
  }

  /**
   * Cuts {@code graph} for {@code deployment} and compiles each partition on its placement's
   * backend.
   *
   * @throws IllegalArgumentException when a placement's backend is unavailable here (with the
   *     reason) or names a device other than 0 (providers serve their first device only)
   */
  public static MultiAcceleratorScheduler create(HarmonicGraph graph,
      DeploymentDescriptor deployment, long seed, PipelineOptions options) {
    List<KernelProvider> providers = new ArrayList<>();
    List<Backend> chosen = new ArrayList<>();
    List<Placement> placements = deployment.partitions();
    for (int k = 0; k < placements.size(); k++) {
      Placement p = placements.get(k);
      Backend backend = p.backend() == Backend.AUTO ? KernelProviders.best() : p.backend();
      Availability a = KernelProviders.availability(backend);
      if (!a.available()) {
        throw new IllegalArgumentException("partition " + k + ": backend '" + backend.id()
            + "' is not available here: " + a.reason());
      }
      if (p.device() != 0) {
        throw new IllegalArgumentException("partition " + k + ": device " + p.device()
            + " of backend '" + backend.id() + "' (expected: 0; a kernel provider serves its"
            + " backend's first device)");
      }
      providers.add(KernelProviders.of(backend));
      chosen.add(backend);
    }
    PartitionedGraph cut = Partitioner.autoPartition(graph, deployment);
    return new MultiAcceleratorScheduler(
        new DistributedScheduler(cut, providers, seed, options, deployment.secure()), chosen);
  }

  /** The backend each partition runs on, in pipeline order. */
  public List<Backend> backends() {
    return backends;
  }

  /** The partitions this runs. */
  public PartitionedGraph partitioned() {
    return pipeline.partitioned();
  }

  /** The partitions' runtimes, in pipeline order. */
  public List<CycleRuntime> runtimes() {
    return pipeline.runtimes();
  }

  /** See {@link DistributedScheduler#step(Map)}. */
  public StepResult step(Map<String, Tensor> inputs) {
    return pipeline.step(inputs);
  }

  /** See {@link DistributedScheduler#step(Batch)}. */
  public StepResult step(Batch batch) {
    return pipeline.step(batch);
  }

  /** See {@link DistributedScheduler#fit}. */
  public FitSummary fit(Producer<Batch> data, int epochs) {
    return pipeline.fit(data, epochs);
  }

  /** Copies the partitions' trained values into a runtime of the whole graph. */
  public void copyParametersTo(CycleRuntime whole) {
    pipeline.copyParametersTo(whole);
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
