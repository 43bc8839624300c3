package dev.harmonics.runtime;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.data.SampleSpec;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.ProducerNode;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How data reaches a runtime's producer nodes: the producers bound to it, the checks that a
 * producer's samples fit the node they feed (made from its spec, without reading), and feeding
 * one batch or a map of tensors into the nodes.
 */
final class Feeds {

  private final HarmonicGraph graph;
  private final List<CompiledNode> nodes;
  private final Map<String, CompiledNode> byName;
  private final List<TapRunner> taps;
  private final List<Binding> bindings = new ArrayList<>();

  Feeds(HarmonicGraph graph, List<CompiledNode> nodes, Map<String, CompiledNode> byName,
      List<TapRunner> taps) {
    this.graph = graph;
    this.nodes = nodes;
    this.byName = byName;
    this.taps = taps;
  }

  /** The bound producers, the first being the one training batches are counted by. */
  List<Binding> bindings() {
    return bindings;
  }

  /** Adds {@code binding}, replacing any that fed the same nodes. */
  void bind(Binding binding) {
    bindings.removeIf(b -> b.featuresNode().equals(binding.featuresNode())
        || (binding.labelsNode() != null && binding.labelsNode().equals(b.labelsNode())));
    bindings.add(binding);
  }

  /** The binding {@link CycleRuntime#bindProducer(Producer)} makes, checked. */
  Binding autoBinding(Producer<Batch> producer) {
    Objects.requireNonNull(producer, "producer");
    List<String> inputs = graph.producers().stream().map(ProducerNode::name)
        .filter(n -> taps.stream().noneMatch(t -> t.target().name().equals(n))).toList();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' has input producers "
          + inputs + " (expected: exactly one to bind automatically; name the node instead)");
    }
    String labels = null;
    if (producer.spec().labeled()) {
      List<String> targets = taps.stream().filter(TapRunner::classIndexTarget)
          .map(t -> t.target().name()).distinct().toList();
      if (targets.size() > 1) {
        throw new IllegalArgumentException("graph '" + graph.name() + "' has class-index targets "
            + targets + " (expected: one to bind labels automatically; name it instead)");
      }
      labels = targets.isEmpty() ? null : targets.getFirst();
    }
    return checkBinding(producer.spec(), producer, inputs.getFirst(), labels);
  }

  /** A binding of {@code producer} to the named nodes, checked against {@code spec}. */
  Binding checkBinding(SampleSpec spec, Producer<Batch> producer, String featuresNode,
      String labelsNode) {
    ProducerNode node = producerNode(featuresNode);
    int[] expected = node.shape().dims();
    int[] got = spec.featureShape();
    boolean flatten = false;
    if (!Arrays.equals(expected, got)) {
      flatten = expected.length == 1 && spec.featureSize() == expected[0];
      if (!flatten) {
        throw new IllegalArgumentException("producer with " + spec + " cannot feed node '"
            + featuresNode + "' of shape " + node.shape() + " (expected: features "
            + Arrays.toString(expected) + ", or the same number of elements for a flat node)");
      }
    }
    if (labelsNode != null) {
      producerNode(labelsNode);
      TapRunner tap = taps.stream()
          .filter(t -> t.classIndexTarget() && t.target().name().equals(labelsNode))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("node '" + labelsNode
              + "' is not the target of a class-index loss tap (expected one of "
              + taps.stream().filter(TapRunner::classIndexTarget).map(t -> t.target().name())
                  .toList() + ")"));
      int classes = tap.tapped().node.outputShape().last();
      if (!spec.labeled()) {
        throw new IllegalArgumentException("producer with " + spec + " has no labels for target '"
            + labelsNode + "'");
      }
      if (spec.classes() != classes || tap.rowsPerSample() != 1) {
        throw new IllegalArgumentException("producer labels in [0, " + spec.classes()
            + ") cannot feed target '" + labelsNode + "' of " + tap.describe() + " (expected: "
            + classes + " classes, one label per sample)");
      }
    }
    return new Binding(producer, featuresNode, labelsNode, flatten);
  }

  /** The producer node {@code name}, or an error naming what it is instead. */
  ProducerNode producerNode(String name) {
    if (graph.node(name) instanceof ProducerNode p) {
      return p;
    }
    throw new IllegalArgumentException("node '" + name + "' is a " + graph.node(name).kindName()
        + " (expected: a producer of graph '" + graph.name() + "')");
  }

  /** How evaluation data feeds the graph: like the training binding, or automatically. */
  Binding evaluationBinding(Producer<Batch> data) {
    Objects.requireNonNull(data, "data");
    Binding training = bindings.isEmpty() ? null : bindings.getFirst();
    if (training == null) {
      return autoBinding(data);
    }
    String labels = data.spec().labeled() ? training.labelsNode() : null;
    return checkBinding(data.spec(), data, training.featuresNode(), labels);
  }

  /** Forgets the values fed to the producers. */
  void clearFeeds() {
    for (CompiledNode c : nodes) {
      if (c.isProducer()) {
        c.value = null;
        c.labels = null;
      }
    }
  }

  /** Feeds {@code batch} as {@code binding} says. */
  void feedBatch(Binding binding, Batch batch) {
    byName.get(binding.featuresNode()).value = binding.features(batch);
    if (binding.labelsNode() != null) {
      byName.get(binding.labelsNode()).labels = batch.labels();
    }
  }

  /** Feeds producer node name to tensor; an int32 rank-1 tensor feeds a class-index target. */
  void feed(Map<String, Tensor> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    clearFeeds();
    int batch = -1;
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      ProducerNode node = producerNode(e.getKey());
      CompiledNode c = byName.get(node.name());
      Tensor t = e.getValue();
      int[] expected = node.shape().dims();
      boolean labels = t.dtype() == DType.INT32 && t.rank() == 1
          && taps.stream().anyMatch(x -> x.classIndexTarget() && x.target() == c);
      if (labels) {
        c.labels = t;
      } else {
        c.value = checkedInput(node, t, expected);
      }
      if (batch >= 0 && t.dim(0) != batch) {
        throw new IllegalArgumentException("input '" + node.name() + "': " + t.describe()
            + " (expected: the batch of " + batch + " the other inputs have)");
      }
      batch = t.dim(0);
    }
  }

  private static Tensor checkedInput(ProducerNode node, Tensor t, int[] expected) {
    int[] got = t.shape();
    boolean exact = got.length == expected.length + 1
        && Arrays.equals(Arrays.copyOfRange(got, 1, got.length), expected);
    if (t.dtype() == DType.FLOAT32 && t.isContiguous() && got.length >= 1) {
      if (exact) {
        return t;
      }
      if (expected.length == 1 && got.length > 1 && t.size() / got[0] == expected[0]) {
        return t.reshape(got[0], expected[0]);
      }
    }
    throw new IllegalArgumentException("input '" + node.name() + "': " + t.describe()
        + " (expected: contiguous float32[batch, " + joined(expected) + "])");
  }

  private static String joined(int[] dims) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return sb.toString();
  }
}
