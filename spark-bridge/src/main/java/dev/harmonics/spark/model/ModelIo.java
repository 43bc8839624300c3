package dev.harmonics.spark.model;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.ProducerNode;
import java.io.Serializable;
import java.util.List;

/**
 * Where a classifier graph meets a DataFrame: the one producer that takes the features, the node
 * whose value is the class probabilities (the loss tap's, or the only consumer) and, for training,
 * the producer that takes the class index.
 *
 * @param input the features producer
 * @param inputShape one sample's shape at {@code input}
 * @param output the node giving the probabilities
 * @param target the class-index producer, or null for a graph without a loss tap
 */
public record ModelIo(String input, int[] inputShape, String output, String target)
    implements Serializable {

  /** For inference: a loss tap is optional. */
  public static ModelIo of(HarmonicGraph graph) {
    List<String> targets = graph.lossTaps().stream().map(LossTap::target).toList();
    List<ProducerNode> inputs = graph.producers().stream()
        .filter(p -> !targets.contains(p.name())).toList();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' has producers "
          + graph.producers().stream().map(ProducerNode::name).toList()
          + " (expected: one for the features besides the loss targets " + targets + ")");
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
    return new ModelIo(inputs.getFirst().name(), inputs.getFirst().shape().dims(), output,
        targets.isEmpty() ? null : targets.getFirst());
  }

  /** For training: exactly one loss tap, on the class index. */
  public static ModelIo forTraining(HarmonicGraph graph) {
    if (graph.lossTaps().size() != 1) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' has "
          + graph.lossTaps().size() + " loss taps (expected: exactly one, on the class index)");
    }
    return of(graph);
  }

  /** Numbers in one sample's features. */
  public int width() {
    int n = 1;
    for (int d : inputShape) {
      n *= d;
    }
    return n;
  }

  /** {@code [rows, inputShape...]}. */
  public int[] batchShape(int rows) {
    int[] dims = new int[inputShape.length + 1];
    dims[0] = rows;
    System.arraycopy(inputShape, 0, dims, 1, inputShape.length);
    return dims;
  }
}
