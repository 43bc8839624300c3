package dev.harmonics.partition;

import dev.harmonics.graph.ConsumerNode;
import dev.harmonics.graph.Edge;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.GraphBuilder;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.Node;
import dev.harmonics.graph.ProducerNode;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cuts a graph into a pipeline of partitions at layer boundaries.
 *
 * <p>A cut after layer {@code L} (in the graph's topological order) puts every node up to and
 * including {@code L} before it and the rest after it. It is allowed when the arrows that cross it
 * all start at one node of the partition just before (one value crosses, in whichever arrows
 * need it) and no data producer is read on both sides. The layers keep their names, so a
 * partition's runtime draws the same initial weights as the whole graph's.
 */
public final class Partitioner {

  private Partitioner() {}

  /**
   * Cuts {@code graph} into {@code n} partitions with as equal a number of layers as rounding
   * allows: cut {@code k} comes after {@code round(k / n * layers)} layers.
   *
   * @throws IllegalArgumentException when {@code n} is below 1 or above the number of layers, or
   *     a cut falls where more than one value would cross
   */
  public static PartitionedGraph partitionGraph(HarmonicGraph graph, int n) {
    Objects.requireNonNull(graph, "graph");
    if (n < 1) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
    }
    double[] shares = new double[n];
    Arrays.fill(shares, 1.0);
    return bySplitPoints(graph, splitPoints(graph, shares, null));
  }

  /**
   * Cuts {@code graph} into one partition per placement of {@code deployment}, each taking layers
   * in proportion to its {@link Placement#share}: cut {@code k} comes after
   * {@code round(cumulative share of partitions 0..k-1 / total share * layers)} layers.
   *
   * @throws IllegalArgumentException when a partition would get no layer, or a cut falls where
   *     more than one value would cross
   */
  public static PartitionedGraph autoPartition(HarmonicGraph graph,
      DeploymentDescriptor deployment) {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(deployment, "deployment");
    Backend auto = KernelProviders.best();
    List<Placement> placements = deployment.partitions();
    double[] shares = placements.stream().mapToDouble(p -> p.share(auto)).toArray();
    return bySplitPoints(graph, splitPoints(graph, shares, placements));
  }

  /**
   * Cuts {@code graph} after each layer named in {@code cutAfter}, in graph order.
   *
   * @throws IllegalArgumentException when a name is not a layer, is the last layer, or a cut
   *     falls where more than one value would cross
   */
  public static PartitionedGraph cutAfter(HarmonicGraph graph, List<String> cutAfter) {
    Objects.requireNonNull(graph, "graph");
    List<String> layers = graph.layers().stream().map(LayerNode::name).toList();
    TreeSet<Integer> points = new TreeSet<>();
    for (String name : cutAfter) {
      int i = layers.indexOf(name);
      if (i < 0) {
        throw new IllegalArgumentException("cut after '" + name + "': not a layer of graph '"
            + graph.name() + "' (expected one of " + layers + ")");
      }
      if (i == layers.size() - 1) {
        throw new IllegalArgumentException("cut after '" + name + "': the last layer (expected:"
            + " a layer with another after it)");
      }
      points.add(i + 1);
    }
    return bySplitPoints(graph, points.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Layers before each cut: {@code round(cumulative / total * layers)}, strictly increasing. */
  static int[] splitPoints(HarmonicGraph graph, double[] shares, List<Placement> placements) {
    int layers = graph.layers().size();
    int n = shares.length;
    if (n > layers) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' has " + layers
          + " layers, too few for " + n + " partitions (expected: at most one partition per"
          + " layer)");
    }
    double total = 0;
    for (double s : shares) {
      total += s;
    }
    int[] points = new int[n - 1];
    double cumulative = 0;
    int previous = 0;
    for (int k = 0; k < n - 1; k++) {
      cumulative += shares[k];
      points[k] = (int) Math.round(cumulative / total * layers);
      if (points[k] <= previous || points[k] >= layers) {
        int empty = points[k] <= previous ? k : k + 1;
        String who = placements == null ? "" : " (" + placements.get(empty).backend().id()
            + ", weight " + placements.get(empty).weight() + ")";
        throw new IllegalArgumentException("partition " + empty + who + " gets no layer: "
            + layers + " layers split in proportion " + Arrays.toString(shares)
            + " (expected: shares that leave every partition at least one layer)");
      }
      previous = points[k];
    }
    return points;
  }

  private static PartitionedGraph bySplitPoints(HarmonicGraph graph, int[] points) {
    List<Node> order = graph.nodes();
    List<LayerNode> layers = graph.layers();
    Map<String, Integer> partitionOf = new HashMap<>();
    int part = 0;
    int layersSeen = 0;
    for (Node node : order) {
      if (node instanceof ProducerNode) {
        continue;
      }
      partitionOf.put(node.name(), part);
      if (node instanceof LayerNode) {
        layersSeen++;
        if (part < points.length && layersSeen == points[part]) {
          part++;
        }
      }
    }
    int n = points.length + 1;
    assignProducers(graph, partitionOf);
    List<Boundary> boundaries = new ArrayList<>();
    Set<String> taken = new LinkedHashSet<>();
    order.forEach(node -> taken.add(node.name()));
    for (int k = 0; k < points.length; k++) {
      String after = layers.get(points[k] - 1).name();
      boundaries.add(boundary(graph, partitionOf, k, after, taken));
    }
    List<Partition> partitions = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Boundary in = k == 0 ? null : boundaries.get(k - 1);
      Boundary out = k == n - 1 ? null : boundaries.get(k);
      partitions.add(build(graph, partitionOf, k, in, out));
    }
    return new PartitionedGraph(graph, partitions, boundaries);
  }

  /** Puts each producer with the nodes that read it; refuses one read on both sides of a cut. */
  private static void assignProducers(HarmonicGraph graph, Map<String, Integer> partitionOf) {
    for (ProducerNode p : graph.producers()) {
      Set<Integer> readers = new TreeSet<>();
      for (Edge e : graph.outputs(p.name())) {
        readers.add(partitionOf.get(e.to()));
      }
      for (LossTap t : graph.lossTaps()) {
        if (t.target().equals(p.name())) {
          readers.add(partitionOf.get(t.node()));
        }
      }
      if (readers.size() > 1) {
        throw new IllegalArgumentException("producer '" + p.name() + "' is read in partitions "
            + readers + " (expected: a cut that leaves all its readers on one side)");
      }
      partitionOf.put(p.name(), readers.isEmpty() ? 0 : readers.iterator().next());
    }
  }

  private static Boundary boundary(HarmonicGraph graph, Map<String, Integer> partitionOf, int k,
      String after, Set<String> taken) {
    Set<String> sources = new TreeSet<>();
    for (Edge e : graph.edges()) {
      int from = partitionOf.get(e.from());
      int to = partitionOf.get(e.to());
      if (from <= k && to > k) {
        if (from != k || to != k + 1) {
          throw new IllegalArgumentException("cut " + k + " after layer '" + after
              + "': arrow '" + e + "' jumps from partition " + from + " to " + to
              + " (expected: arrows only between neighbouring partitions)");
        }
        sources.add(e.from());
      }
    }
    if (sources.size() != 1) {
      throw new IllegalArgumentException("cut " + k + " after layer '" + after + "': "
          + (sources.isEmpty() ? "no value crosses it" : "values of " + sources + " cross it")
          + " (expected: exactly one node's value crossing each cut)");
    }
    String name = sources.iterator().next();
    String consumer = name + "_out";
    for (int i = 2; taken.contains(consumer); i++) {
      consumer = name + "_out" + i;
    }
    taken.add(consumer);
    return new Boundary(name, k, k + 1, graph.node(name).outputShape(), consumer);
  }

  private static Partition build(HarmonicGraph graph, Map<String, Integer> partitionOf, int k,
      Boundary in, Boundary out) {
    GraphBuilder b = HarmonicGraph.builder(graph.name() + "_p" + k);
    Set<String> data = new LinkedHashSet<>();
    if (in != null) {
      b.producer(in.producerNode(), in.shape());
    }
    for (Node node : graph.nodes()) {
      if (partitionOf.get(node.name()) != k) {
        continue;
      }
      switch (node) {
        case ProducerNode p -> {
          b.producer(p.name(), p.shape());
          data.add(p.name());
        }
        case LayerNode l -> b.layer(l.name(), l.spec());
        case ConsumerNode c -> b.consumer(c.name(), c.outputShape());
      }
    }
    for (Edge e : graph.edges()) {
      if (partitionOf.get(e.to()) == k) {
        b.connect(e.from(), e.activation(), e.alpha(), e.to());
      }
    }
    if (out != null) {
      b.consumer(out.consumerNode(), out.shape());
      b.connect(out.name(), EdgeActivation.IDENTITY, out.consumerNode());
    }
    for (LossTap t : graph.lossTaps()) {
      if (partitionOf.get(t.node()) == k) {
        b.lossTap(t.node(), t.loss(), t.target());
      }
    }
    return new Partition(k, b.build(), in, out, data);
  }
}
