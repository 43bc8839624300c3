package dev.harmonics.runtime;

import dev.harmonics.graph.ConsumerNode;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.Node;
import dev.harmonics.graph.ProducerNode;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.runtime.layer.BatchBuffer;
import dev.harmonics.runtime.layer.Layer;
import dev.harmonics.tensor.Tensor;

/**
 * One graph node at run time: the layer on its input arrow (null for a plain arrow), its own layer
 * (layer nodes only), its current value and the gradient of the loss with respect to that value,
 * summed over every arrow and tap that uses it.
 */
final class CompiledNode implements AutoCloseable {

  final Node node;
  final CompiledNode input;
  final Layer arrow;
  final Layer layer;
  final boolean needsGradient;
  /** Whether the arrow's layer has parameters to train (fixed at compile time). */
  final boolean arrowTrains;
  private final BatchBuffer gradientSum;
  /** The value of the current batch: fed for producers, computed for the others. */
  Tensor value;
  /** Class labels fed to a target producer from a batch's labels, or null. */
  Tensor labels;
  private Tensor gradient;
  private boolean gradientOwned;
  private boolean backwardRan;

  /**
   * @param gradientInput for a producer: whether the gradient with respect to its value is wanted
   *     (a partition's boundary input, whose gradient goes back to the partition before it)
   */
  CompiledNode(Node node, CompiledNode input, Layer arrow, Layer layer, boolean gradientInput) {
    this.node = node;
    this.input = input;
    this.arrow = arrow;
    this.layer = layer;
    this.arrowTrains = hasParameters(arrow);
    boolean trainable = arrowTrains || hasParameters(layer);
    this.needsGradient = node instanceof ProducerNode ? gradientInput
        : trainable || (input != null && input.needsGradient);
    this.gradientSum = new BatchBuffer(node.outputShape().dims());
  }

  private static boolean hasParameters(Layer l) {
    return l != null && !l.parameters().isEmpty();
  }

  String name() {
    return node.name();
  }

  boolean isProducer() {
    return node instanceof ProducerNode;
  }

  boolean isConsumer() {
    return node instanceof ConsumerNode;
  }

  boolean isLayer() {
    return node instanceof LayerNode;
  }

  /** Forgets the last step's gradient. */
  void clearGradient() {
    gradient = null;
    gradientOwned = false;
    backwardRan = false;
  }

  /** The gradient summed so far this step, or null when nothing reached this node. */
  Tensor gradient() {
    return gradient;
  }

  /**
   * Adds one contribution to this node's gradient. The first is borrowed as it is (it stays valid
   * for the step: it is the buffer of the layer or tap that produced it); a second one copies the
   * sum into this node's own buffer.
   */
  void addGradient(Tensor contribution, KernelProvider kernels) {
    if (gradient == null) {
      gradient = contribution;
      return;
    }
    if (!gradientOwned) {
      Tensor sum = gradientSum.get(contribution.dim(0));
      gradient.reshape(sum.shape()).copyTo(sum);
      gradient = sum;
      gradientOwned = true;
    }
    kernels.elementwise().accumulate(contribution.reshape(gradient.shape()), gradient);
  }

  /** Records that this node's layers ran backward this step. */
  void markBackward() {
    backwardRan = true;
  }

  boolean backwardRan() {
    return backwardRan;
  }

  @Override
  public void close() {
    gradientSum.close();
    if (arrow != null) {
      arrow.close();
    }
    if (layer != null) {
      layer.close();
    }
  }
}
