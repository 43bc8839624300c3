package dev.harmonics.partition;

import dev.harmonics.graph.HarmonicGraph;
import java.util.List;
import java.util.Set;

/**
 * One piece of a partitioned graph, runnable on its own by a {@code CycleRuntime}.
 *
 * @param index the position in the pipeline, from 0
 * @param graph the piece as a graph: its layers, the data producers it reads, a producer per
 *     incoming boundary and a consumer per outgoing one
 * @param input the boundary it reads, or null for the first partition
 * @param output the boundary it feeds, or null for the last partition
 * @param dataProducers the producers of the whole graph this partition reads (fed from data)
 */
public record Partition(int index, HarmonicGraph graph, Boundary input, Boundary output,
    Set<String> dataProducers) {

  public Partition {
    dataProducers = Set.copyOf(dataProducers);
  }

  /** The layer nodes of this partition, in graph order. */
  public List<String> layerNames() {
    return graph.layers().stream().map(l -> l.name()).toList();
  }

  /** Whether this partition computes a loss (holds loss taps). */
  public boolean hasLoss() {
    return !graph.lossTaps().isEmpty();
  }
}
