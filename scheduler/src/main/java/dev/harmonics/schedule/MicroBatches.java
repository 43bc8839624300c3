package dev.harmonics.schedule;

import dev.harmonics.data.Batch;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.ProducerNode;
import dev.harmonics.partition.Partition;
import dev.harmonics.partition.PartitionedGraph;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits a step's inputs into micro-batches and hands each partition the producers it reads. */
final class MicroBatches {

  private MicroBatches() {}

  /**
   * The graph's inputs from a batch: its features to the first producer that is no loss target,
   * its labels (if any) to the first loss tap's target.
   */
  static Map<String, Tensor> inputs(HarmonicGraph graph, Batch batch) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    List<String> targets = graph.lossTaps().stream().map(LossTap::target).toList();
    String features = graph.producers().stream().map(ProducerNode::name)
        .filter(p -> !targets.contains(p)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("graph '" + graph.name()
            + "' has no producer for features (every producer is a loss target)"));
    inputs.put(features, batch.features());
    if (batch.labels() != null) {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("batch has labels but graph '" + graph.name()
            + "' has no loss tap to read them");
      }
      inputs.put(targets.getFirst(), batch.labels());
    }
    return inputs;
  }

  /**
   * {@code result.get(k).get(m)}: partition {@code k}'s inputs for micro-batch {@code m}, views
   * of {@code inputs} split along the batch dimension into {@code m} nearly equal parts.
   */
  static List<List<Map<String, Tensor>>> split(PartitionedGraph graph, Map<String, Tensor> inputs,
      int microBatches) {
    int n = -1;
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      graph.owner(e.getKey());
      Tensor t = e.getValue();
      if (t.rank() < 1 || (n >= 0 && t.dim(0) != n)) {
        throw new IllegalArgumentException("input '" + e.getKey() + "': " + t.describe()
            + " (expected: a batch dimension of " + (n < 0 ? ">= 1" : n) + " first)");
      }
      n = t.dim(0);
    }
    if (n < microBatches) {
      throw new IllegalArgumentException("batch of " + n + " samples for " + microBatches
          + " micro-batches (expected: at least one sample per micro-batch)");
    }
    List<List<Map<String, Tensor>>> out = new ArrayList<>();
    for (Partition p : graph.partitions()) {
      List<Map<String, Tensor>> mine = new ArrayList<>();
      for (int m = 0; m < microBatches; m++) {
        int from = (int) ((long) n * m / microBatches);
        int to = (int) ((long) n * (m + 1) / microBatches);
        Map<String, Tensor> slice = new HashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
          if (p.dataProducers().contains(e.getKey())) {
            slice.put(e.getKey(), e.getValue().slice(0, from, to));
          }
        }
        mine.add(slice);
      }
      out.add(mine);
    }
    return out;
  }
}
