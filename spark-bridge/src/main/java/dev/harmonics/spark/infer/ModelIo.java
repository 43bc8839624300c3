package dev.harmonics.spark.infer;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.ProducerNode;
import java.io.Serializable;
import java.util.List;

/**
 * Where a classifier graph takes its features and gives its class probabilities: the one producer
 * that is not a loss target, and the consumer its loss tap sits on (or its only consumer).
 */
record ModelIo(String input, int[] inputShape, String output) implements Serializable {

  static ModelIo of(HarmonicGraph graph) {
    List<String> targets = graph.lossTaps().stream().map(LossTap::target).toList();
    List<ProducerNode> inputs = graph.producers().stream()
        .filter(p -> !targets.contains(p.name())).toList();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("graph '" + graph.name() + "': "
          + inputs.size() + " input producers (expected: exactly one besides loss targets)");
    }
    String output;
    if (!graph.lossTaps().isEmpty()) {
      output = graph.lossTaps().getFirst().node();
    } else if (graph.consumers().size() == 1) {
      output = graph.consumers().getFirst().name();
    } else {
      throw new IllegalArgumentException("graph '" + graph.name()
          + "': no loss tap and " + graph.consumers().size() + " consumers (expected: one)");
    }
    return new ModelIo(inputs.getFirst().name(), inputs.getFirst().shape().dims(), output);
  }

  int width() {
    int n = 1;
    for (int d : inputShape) {
      n *= d;
    }
    return n;
  }

  int[] batchShape(int rows) {
    int[] dims = new int[inputShape.length + 1];
    dims[0] = rows;
    System.arraycopy(inputShape, 0, dims, 1, inputShape.length);
    return dims;
  }
}
