package dev.harmonics.partition;

import dev.harmonics.graph.HarmonicGraph;
import java.util.List;

/**
 * A graph cut into a pipeline of partitions: partition {@code k} feeds partition {@code k + 1}
 * through boundary {@code k}.
 *
 * @param whole the graph that was cut
 * @param partitions the pieces in pipeline order
 * @param boundaries the cuts, {@code partitions.size() - 1} of them
 */
public record PartitionedGraph(HarmonicGraph whole, List<Partition> partitions,
    List<Boundary> boundaries) {

  public PartitionedGraph {
    partitions = List.copyOf(partitions);
    boundaries = List.copyOf(boundaries);
  }

  /** The number of partitions. */
  public int size() {
    return partitions.size();
  }

  /** The partition at {@code index}. */
  public Partition partition(int index) {
    return partitions.get(index);
  }

  /** The partition that reads data producer {@code producer} of the whole graph. */
  public Partition owner(String producer) {
    return partitions.stream().filter(p -> p.dataProducers().contains(producer)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("'" + producer + "' is not a producer of"
            + " graph '" + whole.name() + "' (expected one of " + whole.producers() + ")"));
  }
}
