package dev.harmonics.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link HarmonicGraph}: declare producers, layers and consumers, write the cycle's flow
 * lines and loss taps, then {@link #build()}, which resolves and checks every shape.
 *
 * <pre>{@code
 * HarmonicGraph g = HarmonicGraph.builder("fashion_mlp")
 *     .producer("images", Shape.of(784))
 *     .producer("labels", Shape.of(1))
 *     .layer("hidden1", Dense.of(256))
 *     .layer("hidden2", Dense.of(128))
 *     .layer("logits", Dense.of(10))
 *     .consumer("probabilities")
 *     .flow("images").to("hidden1").to(RELU, "hidden2").to(RELU, "logits")
 *         .to(SOFTMAX, "probabilities").done()
 *     .lossTap("probabilities", Loss.CROSS_ENTROPY, "labels")
 *     .build();
 * }</pre>
 *
 * <p>Names must be unique across producers, layers and consumers; a duplicate is refused at once.
 * Everything else is checked by {@link #build()}. {@link #at(Origin)} sets the source position
 * recorded with what is declared next, so errors can point into a file (the HARP parser uses it).
 * Not thread-safe.
 */
public final class GraphBuilder {

  private final String name;
  private final Map<String, Declaration> declarations = new LinkedHashMap<>();
  private final List<Edge> edges = new ArrayList<>();
  private final List<TapDeclaration> taps = new ArrayList<>();
  private Origin origin = Origin.NONE;
  private Origin cycleOrigin = Origin.NONE;

  record TapDeclaration(String node, Loss loss, String target, Origin origin) {}

  GraphBuilder(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name: empty (expected: the graph's name)");
    }
    this.name = name;
  }

  /**
   * Records {@code position} with the declarations, arrows and taps added after this call, until
   * the next call; errors about them name it.
   */
  public GraphBuilder at(Origin position) {
    this.origin = Objects.requireNonNull(position, "position");
    return this;
  }

  /** Records where the cycle block starts, for the error about an empty cycle. */
  public GraphBuilder cycleAt(Origin position) {
    this.cycleOrigin = Objects.requireNonNull(position, "position");
    return this;
  }

  /** A data source of this per-sample shape. */
  public GraphBuilder producer(String node, Shape shape) {
    return declare(node, Declaration.Kind.PRODUCER, Objects.requireNonNull(shape, "shape"), null,
        null);
  }

  /** A data source whose one-dimensional width is a ratio of another node's. */
  public GraphBuilder producer(String node, Ratio ratio) {
    return declare(node, Declaration.Kind.PRODUCER, null, Objects.requireNonNull(ratio, "ratio"),
        null);
  }

  /** A layer computing {@code spec}. */
  public GraphBuilder layer(String node, LayerSpec spec) {
    return declare(node, Declaration.Kind.LAYER, null, null, Objects.requireNonNull(spec, "spec"));
  }

  /** A dense layer with units a ratio of another node's width (HARP {@code layer h 1/2 x;}). */
  public GraphBuilder layer(String node, Ratio ratio) {
    return declare(node, Declaration.Kind.LAYER, null, Objects.requireNonNull(ratio, "ratio"),
        null);
  }

  /**
   * A dense layer with as many units as its input has features, with bias (HARP
   * {@code layer h;}).
   */
  public GraphBuilder layer(String node) {
    return declare(node, Declaration.Kind.LAYER, null, null, null);
  }

  /** A sink taking whatever shape arrives. */
  public GraphBuilder consumer(String node) {
    return declare(node, Declaration.Kind.CONSUMER, null, null, null);
  }

  /** A sink that must receive exactly {@code shape}; {@link #build()} checks it. */
  public GraphBuilder consumer(String node, Shape shape) {
    return declare(node, Declaration.Kind.CONSUMER, Objects.requireNonNull(shape, "shape"), null,
        null);
  }

  /** Starts a flow line at {@code first}; see {@link FlowLine}. */
  public FlowLine flow(String first) {
    return new FlowLine(this, first);
  }

  /** One arrow {@code from -(activation)-> to} with the activation's default alpha. */
  public GraphBuilder connect(String from, EdgeActivation activation, String to) {
    return connect(from, activation, activation.defaultAlpha(), to);
  }

  /** One arrow {@code from -(activation(alpha))-> to}. */
  public GraphBuilder connect(String from, EdgeActivation activation, float alpha, String to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(activation, "activation");
    if (!activation.usesAlpha() && alpha != 0f) {
      throw new GraphException(origin, "alpha " + alpha + " given to " + activation.harpName(),
          "no parameter: only leaky_relu, prelu and elu take one");
    }
    if (Float.isNaN(alpha) || Float.isInfinite(alpha)) {
      throw new GraphException(origin, "alpha " + alpha + " of " + activation.harpName(),
          "a finite number");
    }
    edges.add(new Edge(from, to, activation, alpha, origin));
    return this;
  }

  /** A training tap {@code node <-(loss)- target}. */
  public GraphBuilder lossTap(String node, Loss loss, String target) {
    taps.add(new TapDeclaration(Objects.requireNonNull(node, "node"),
        Objects.requireNonNull(loss, "loss"), Objects.requireNonNull(target, "target"), origin));
    return this;
  }

  /**
   * Resolves every shape and checks the whole graph.
   *
   * @throws GraphException naming the node, its position, the shape that arrived and what was
   *     expected, at the first problem found
   */
  public HarmonicGraph build() {
    return new GraphResolver(name, declarations, edges, taps, cycleOrigin).resolve();
  }

  private GraphBuilder declare(
      String node, Declaration.Kind kind, Shape shape, Ratio ratio, LayerSpec spec) {
    if (node == null || node.isEmpty()) {
      throw new GraphException(origin, "a " + kind.word + " without a name", "a name");
    }
    Declaration previous = declarations.get(node);
    if (previous != null) {
      String where = previous.origin().known() ? " at " + previous.origin() : "";
      throw new GraphException(origin,
          "duplicate name '" + node + "': already declared as a " + previous.kind().word + where,
          "a name not used by another producer, layer or consumer");
    }
    declarations.put(node, new Declaration(node, kind, shape, ratio, spec, origin));
    return this;
  }
}
