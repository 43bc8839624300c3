package dev.harmonics.runtime;

import dev.harmonics.graph.BatchNorm;
import dev.harmonics.graph.Conv2d;
import dev.harmonics.graph.Dense;
import dev.harmonics.graph.Dropout;
import dev.harmonics.graph.Edge;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.Embedding;
import dev.harmonics.graph.Flatten;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.LayerNorm;
import dev.harmonics.graph.MultiHeadAttention;
import dev.harmonics.graph.Pool2d;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.runtime.layer.ActivationLayer;
import dev.harmonics.runtime.layer.AttentionLayer;
import dev.harmonics.runtime.layer.BatchNormLayer;
import dev.harmonics.runtime.layer.Conv2dLayer;
import dev.harmonics.runtime.layer.DenseLayer;
import dev.harmonics.runtime.layer.DropoutLayer;
import dev.harmonics.runtime.layer.EmbeddingLayer;
import dev.harmonics.runtime.layer.FlattenLayer;
import dev.harmonics.runtime.layer.Layer;
import dev.harmonics.runtime.layer.LayerNormLayer;
import dev.harmonics.runtime.layer.Pool2dLayer;
import dev.harmonics.runtime.layer.SoftmaxLayer;
import dev.harmonics.runtime.layer.WeightInit;
import java.util.EnumSet;
import java.util.Set;

/** Turns the graph's layer specs and arrows into runtime layers over one kernel provider. */
final class LayerFactory {

  /** Functions after which He initialisation keeps activations steady. */
  private static final Set<EdgeActivation> RECTIFIERS = EnumSet.of(EdgeActivation.RELU,
      EdgeActivation.LEAKY_RELU, EdgeActivation.PRELU, EdgeActivation.ELU, EdgeActivation.GELU,
      EdgeActivation.GELU_TANH);

  private final HarmonicGraph graph;
  private final KernelProvider kernels;
  private int dropoutLayers;

  /**
   * @param graph the graph whose arrows choose each layer's initialisation: the graph compiled,
   *     or for a partition the whole graph it was cut from (a cut replaces the arrow after the
   *     partition's last layer, which would otherwise change that layer's initial weights)
   */
  LayerFactory(HarmonicGraph graph, KernelProvider kernels) {
    this.graph = graph;
    this.kernels = kernels;
  }

  /** The runtime layer computing {@code node}. */
  Layer layer(LayerNode node) {
    String name = node.name();
    int[] in = node.inputShape().dims();
    return switch (node.spec()) {
      case Dense d -> new DenseLayer(name, kernels, in, d.units(), d.bias(), initFor(name));
      case Conv2d c -> new Conv2dLayer(name, kernels, in, c.outChannels(), c.kernel(),
          new Conv2dParams(c.stride(), c.stride(), c.padding(), c.padding(), c.dilation(),
              c.dilation(), c.groups()), c.bias(), initFor(name));
      case Pool2d p -> new Pool2dLayer(name, kernels, in, p.mode() == Pool2d.Mode.MAX,
          Pool2dParams.of(p.kernel(), p.stride(), p.padding()).withCountIncludePad(false));
      case BatchNorm b -> new BatchNormLayer(name, kernels, in, (float) b.epsilon(),
          (float) b.momentum());
      case LayerNorm l -> new LayerNormLayer(name, kernels, in, (float) l.epsilon());
      case Dropout d -> new DropoutLayer(name, kernels, in, (float) d.rate(), dropoutLayers++);
      case Flatten f -> new FlattenLayer(name, kernels, in);
      case Embedding e -> new EmbeddingLayer(name, kernels, in, e.vocabulary(), e.dim());
      case MultiHeadAttention a -> new AttentionLayer(name, kernels, in, a.heads(), a.bias());
    };
  }

  /**
   * The layer applying {@code edge}'s function, or null for a plain arrow. Named after the arrow
   * ({@code from->to}) so errors and checkpoints can point at it.
   */
  Layer edge(Edge edge, int[] shape) {
    String name = edge.from() + "->" + edge.to();
    return switch (edge.activation()) {
      case IDENTITY -> null;
      case SOFTMAX -> new SoftmaxLayer(name, kernels, shape, false);
      case LOG_SOFTMAX -> new SoftmaxLayer(name, kernels, shape, true);
      default -> {
        Activation f = edge.activation().pointwise().orElseThrow();
        yield new ActivationLayer(name, kernels, shape, f, edge.alpha());
      }
    };
  }

  private WeightInit initFor(String layer) {
    boolean rectified = graph.outputs(layer).stream()
        .anyMatch(e -> RECTIFIERS.contains(e.activation()));
    return rectified ? WeightInit.HE : WeightInit.XAVIER;
  }
}
