package dev.harmonics.runtime;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.graph.Edge;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.Loss;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.Node;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.runtime.layer.Layer;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.runtime.layer.Pass;
import dev.harmonics.runtime.layer.PrecisionAware;
import dev.harmonics.runtime.layer.SeededRandom;
import dev.harmonics.runtime.optim.Optimizer;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a {@link HarmonicGraph}: inference, training steps with reverse-mode backpropagation from
 * the loss taps through every arrow and layer, whole training runs ({@link #fit}), evaluation and
 * checkpoints.
 *
 * <p>The forward pass visits the nodes in the graph's topological order: a node's input is its
 * arrow's function applied to the value of the node feeding it, and a layer node's value is its
 * layer's output on that input. The backward pass visits them in reverse: each tap adds the
 * gradient of its loss to the node it reads, each node passes the gradient of its value back
 * through its layer and its arrow to the node feeding it, and a node feeding several others sums
 * what comes back. Training minimises the sum of the taps' mean losses.
 *
 * <p>Everything random is a function of the seed and the counters: weights are drawn from the
 * seed and the layer's name, dropout from the seed and the step. The same graph, seed, data order
 * and kernels therefore give the same weights bit for bit, and a checkpoint resumes exactly.
 *
 * <p>Not thread-safe. Close it to free the off-heap buffers.
 */
public final class CycleRuntime implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(CycleRuntime.class.getName());

  private final HarmonicGraph graph;
  private final KernelProvider kernels;
  private final long seed;
  private final List<CompiledNode> nodes = new ArrayList<>();
  private final Map<String, CompiledNode> byName = new LinkedHashMap<>();
  private final List<TapRunner> taps = new ArrayList<>();
  private final List<Parameter> parameters = new ArrayList<>();
  private final Tensor[] gradients;
  private final Feeds feeds;
  private PrecisionPolicy precision = PrecisionPolicy.auto();
  private FitOptions options = FitOptions.defaults();
  private Optimizer optimizer;
  private double optimizerDecay;
  private long step;
  private int epoch;
  private long batchInEpoch;
  private int pendingMicroBatches;
  private double pendingLoss;
  private long plannedUpdates;

  private CycleRuntime(HarmonicGraph graph, HarmonicGraph initGraph, KernelProvider kernels,
      long seed, Set<String> gradientInputs) {
    this.graph = graph;
    this.kernels = kernels;
    this.seed = seed;
    LayerFactory factory = new LayerFactory(initGraph, kernels);
    for (Node node : graph.nodes()) {
      CompiledNode input = null;
      Layer arrow = null;
      Layer layer = null;
      Edge edge = graph.input(node.name()).orElse(null);
      if (edge != null) {
        input = byName.get(edge.from());
        arrow = factory.edge(edge, input.node.outputShape().dims());
      }
      if (node instanceof LayerNode l) {
        layer = factory.layer(l);
      }
      CompiledNode compiled = new CompiledNode(node, input, arrow, layer,
          gradientInputs.contains(node.name()));
      nodes.add(compiled);
      byName.put(node.name(), compiled);
      for (Layer part : new Layer[] {arrow, layer}) {
        if (part != null) {
          part.initialise(SeededRandom.derive(seed, part.name()));
          parameters.addAll(part.parameters());
        }
      }
    }
    for (LossTap tap : graph.lossTaps()) {
      taps.add(new TapRunner(tap, byName.get(tap.node()), byName.get(tap.target()), kernels));
    }
    this.gradients = parameters.stream().map(Parameter::grad).toArray(Tensor[]::new);
    this.feeds = new Feeds(graph, nodes, byName, taps);
  }

  /**
   * Compiles {@code graph} (already checked by its builder or parser) for {@code kernels}, with
   * every parameter initialised from {@code seed}.
   */
  public static CycleRuntime compile(HarmonicGraph graph, KernelProvider kernels, long seed) {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(kernels, "kernels");
    return new CycleRuntime(graph, graph, kernels, seed, Set.of());
  }

  /**
   * Compiles one partition of a larger graph: like {@link #compile(HarmonicGraph, KernelProvider,
   * long)}, and the producers named in {@code gradientInputs} (the partition's boundary inputs)
   * receive the gradient of the loss in {@link #backwardPartition}, to be sent to the partition
   * that computed their values. Layers are initialised as in {@code whole}, the graph the
   * partition was cut from, so every partition starts from the whole graph's weights.
   *
   * @throws IllegalArgumentException when a name in {@code gradientInputs} is not a producer
   */
  public static CycleRuntime compilePartition(HarmonicGraph graph, HarmonicGraph whole,
      KernelProvider kernels, long seed, Set<String> gradientInputs) {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(whole, "whole");
    Objects.requireNonNull(kernels, "kernels");
    for (String name : gradientInputs) {
      if (graph.producers().stream().noneMatch(p -> p.name().equals(name))) {
        throw new IllegalArgumentException("gradient input '" + name + "' is not a producer of"
            + " graph '" + graph.name() + "' (expected one of " + graph.producers() + ")");
      }
    }
    return new CycleRuntime(graph, whole, kernels, seed, Set.copyOf(gradientInputs));
  }

  /** The graph this runs. */
  public HarmonicGraph graph() {
    return graph;
  }

  /** The kernels it runs on. */
  public KernelProvider kernels() {
    return kernels;
  }

  /** The seed everything random derives from. */
  public long seed() {
    return seed;
  }

  /** Every trainable parameter, in graph order (arrow then layer, node by node). */
  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  /** Every runtime layer (arrows included), in graph order. */
  public List<Layer> layers() {
    List<Layer> all = new ArrayList<>();
    for (CompiledNode c : nodes) {
      if (c.arrow != null) {
        all.add(c.arrow);
      }
      if (c.layer != null) {
        all.add(c.layer);
      }
    }
    return all;
  }

  /** The runtime layer of the layer node {@code name}. */
  public Layer layer(String name) {
    CompiledNode c = byName.get(name);
    if (c == null || c.layer == null) {
      throw new IllegalArgumentException("layer: '" + name + "' (expected: one of "
          + graph.layers().stream().map(LayerNode::name).toList() + ")");
    }
    return c.layer;
  }

  /** Training steps (micro-batches) run so far. */
  public long step() {
    return step;
  }

  /** Epochs completed so far. */
  public int epoch() {
    return epoch;
  }

  /** Optimizer updates made so far. */
  public long updates() {
    return optimizer == null ? 0 : optimizer.steps();
  }

  /** The precision policy of evaluation passes. */
  public PrecisionPolicy precision() {
    return precision;
  }

  /**
   * Sets the precision of evaluation passes ({@link #infer}, {@link #evaluate}); training passes
   * stay float32.
   */
  public void setPrecision(PrecisionPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    for (Layer l : layers()) {
      if (l instanceof PrecisionAware p) {
        p.setPrecisionBits(policy.bitsFor(l.name()));
      }
    }
    precision = policy;
  }

  /**
   * Binds {@code producer} to the graph without reading from it: its features feed the only
   * producer node that is not a loss target, and its labels (if it has them) the only class-index
   * target.
   *
   * @throws IllegalArgumentException when the graph's producers are ambiguous or the shapes do not
   *     match, naming both
   */
  public void bindProducer(Producer<Batch> producer) {
    feeds.bind(feeds.autoBinding(producer));
  }


  /** Binds {@code producer}'s features (only) to the producer node {@code node}. */
  public void bindProducer(String node, Producer<Batch> producer) {
    bindProducer(producer, node, null);
  }

  /**
   * Binds {@code producer}: its features feed {@code featuresNode} and its labels, when
   * {@code labelsNode} is not null, the target of a class-index loss tap. Shapes are checked from
   * the producer's {@link Producer#spec() spec}, without reading a sample. A sample whose shape
   * has the node's element count feeds a one-dimensional node flattened.
   */
  public void bindProducer(Producer<Batch> producer, String featuresNode, String labelsNode) {
    Objects.requireNonNull(producer, "producer");
    feeds.bind(feeds.checkBinding(producer.spec(), producer, featuresNode, labelsNode));
  }



  /**
   * Runs an evaluation pass on {@code inputs} (producer node name to {@code [n, shape...]}) and
   * returns every consumer's value as a new tensor the caller closes.
   */
  public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
    feeds.feed(inputs);
    forward(Pass.evaluation());
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (CompiledNode c : nodes) {
      if (c.isConsumer()) {
        Tensor copy = Tensor.zeros(c.value.shape());
        c.value.copyTo(copy);
        out.put(c.name(), copy);
      }
    }
    return out;
  }

  /**
   * Evaluates the rest of {@code data}'s current epoch (all of it when fresh; a producer whose
   * epoch was read to the end is reset first), fed like the bound training producer.
   */
  public Evaluation evaluate(Producer<Batch> data) {
    Binding binding = feeds.evaluationBinding(data);
    if (!data.hasNext()) {
      data.reset();
    }
    long start = System.nanoTime();
    double lossSum = 0;
    long samples = 0;
    long rows = 0;
    long hits = 0;
    TapRunner accuracyTap = taps.stream()
        .filter(t -> t.tap().loss() == Loss.CROSS_ENTROPY)
        .findFirst().orElse(null);
    while (data.hasNext()) {
      try (Batch batch = data.next()) {
        feeds.clearFeeds();
        feeds.feedBatch(binding, batch);
        forward(Pass.evaluation());
        int n = batch.size();
        double loss = 0;
        for (TapRunner t : taps) {
          loss += t.target().value != null || t.target().labels != null ? t.run(false) : 0;
        }
        lossSum += loss * n;
        samples += n;
        if (accuracyTap != null && (accuracyTap.target().labels != null
            || accuracyTap.target().value != null)) {
          hits += accuracyTap.correct();
          rows += (long) n * accuracyTap.rowsPerSample();
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Evaluation(samples == 0 ? Double.NaN : lossSum / samples,
        rows == 0 ? Double.NaN : (double) hits / rows, samples, seconds);
  }


  /** The options {@link #trainStep} uses; {@link #fit} sets them too. */
  public void setTrainingOptions(FitOptions newOptions) {
    this.options = Objects.requireNonNull(newOptions, "options");
    if (optimizer != null && optimizer.config().equals(newOptions.optimizer())
        && optimizerDecay == newOptions.weightDecay()) {
      return;
    }
    if (optimizer != null) {
      LOG.log(System.Logger.Level.INFO, "optimizer changed to " + newOptions.optimizer()
          + "; its state starts from zero");
      optimizer.close();
    }
    optimizer = new Optimizer(newOptions.optimizer(), newOptions.weightDecay(), parameters,
        kernels);
    optimizerDecay = newOptions.weightDecay();
  }

  /** The training options in force. */
  public FitOptions trainingOptions() {
    return options;
  }

  /**
   * One training step on {@code inputs}: producer node name to {@code [n, shape...]} float32 (a
   * class-index target may be given as int32 {@code [n]} labels). Runs forward, the loss taps and
   * backward; updates the parameters once every {@link FitOptions#accumulation()} steps.
   *
   * @throws TrainingDivergedException when the loss or a gradient is NaN or infinite
   */
  public StepResult trainStep(Map<String, Tensor> inputs) {
    feeds.feed(inputs);
    return trainFed();
  }

  /** One training step on a batch, fed as the bound producer's batches are. */
  public StepResult trainStep(Batch batch) {
    if (feeds.bindings().isEmpty()) {
      throw new IllegalStateException("no producer bound: call bindProducer first");
    }
    feeds.clearFeeds();
    feeds.feedBatch(feeds.bindings().getFirst(), batch);
    return trainFed();
  }

  /** One training step on the values fed. */
  StepResult trainFed() {
    if (optimizer == null) {
      setTrainingOptions(options);
    }
    if (taps.isEmpty()) {
      throw new IllegalStateException("graph '" + graph.name()
          + "' has no loss tap (expected: at least one 'node <-(loss)- target' to train)");
    }
    boolean accumulate = pendingMicroBatches > 0;
    for (CompiledNode c : nodes) {
      c.clearGradient();
    }
    forward(Pass.training(seed, step));
    double loss = 0;
    for (TapRunner t : taps) {
      loss += t.run(true);
    }
    if (!Double.isFinite(loss)) {
      throw divergedForward(loss);
    }
    backward(accumulate);
    step++;
    pendingMicroBatches++;
    pendingLoss += loss;
    if (pendingMicroBatches < options.accumulation()) {
      return new StepResult(loss, false, Double.NaN, Double.NaN);
    }
    return update(loss);
  }

  private StepResult update(double loss) {
    int count = pendingMicroBatches;
    double meanLoss = pendingLoss / count;
    pendingMicroBatches = 0;
    pendingLoss = 0;
    if (count > 1) {
      for (Tensor g : gradients) {
        kernels.optimizers().scaleInPlace(g, 1f / count);
      }
    }
    double norm = options.clipNorm() > 0
        ? kernels.optimizers().clipGradNorm(options.clipNorm(), gradients)
        : kernels.optimizers().l2Norm(gradients);
    if (!Double.isFinite(norm)) {
      throw divergedGradients(norm);
    }
    double lr = options.schedule().rate(options.learningRate(), optimizer.steps(), epoch,
        plannedUpdates);
    optimizer.step(lr);
    return new StepResult(count > 1 ? meanLoss : loss, true, norm, lr);
  }

  private void forward(Pass pass) {
    for (CompiledNode c : nodes) {
      if (c.isProducer()) {
        continue;
      }
      Tensor in = c.input.value;
      if (in == null) {
        throw new IllegalArgumentException("node '" + c.name() + "' needs producer '"
            + c.input.name() + "', which was not fed");
      }
      Tensor a = c.arrow == null ? in : c.arrow.forward(in, pass);
      c.value = c.layer == null ? a : c.layer.forward(a, pass);
    }
  }

  private void backward(boolean accumulate) {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      CompiledNode c = nodes.get(i);
      Tensor g = c.gradient();
      if (c.isProducer() || g == null) {
        continue;
      }
      boolean intoInput = c.input.needsGradient;
      if (c.layer != null) {
        g = c.layer.backward(g, accumulate, intoInput || c.arrowTrains);
      }
      if (c.arrow != null && g != null) {
        g = c.arrow.backward(g, accumulate, intoInput);
      }
      c.markBackward();
      if (intoInput && g != null) {
        c.input.addGradient(g, kernels);
      }
    }
    if (!accumulate) {
      for (CompiledNode c : nodes) {
        if (!c.backwardRan()) {
          zeroGradients(c.arrow);
          zeroGradients(c.layer);
        }
      }
    }
  }

  private static void zeroGradients(Layer l) {
    if (l != null) {
      l.parameters().forEach(p -> p.grad().fill(0f));
    }
  }

  private TrainingDivergedException divergedForward(double loss) {
    for (CompiledNode c : nodes) {
      if (c.value == null) {
        continue;
      }
      String bad = NonFinite.describe(c.value);
      if (bad != null) {
        String where = c.isProducer() ? "the data fed to producer '" + c.name() + "'"
            : c.isConsumer() ? "the value reaching consumer '" + c.name() + "'"
            : "the output of layer '" + c.name() + "' (forward)";
        return new TrainingDivergedException(step, where, bad);
      }
    }
    return new TrainingDivergedException(step, "the loss taps", "loss " + loss);
  }

  private TrainingDivergedException divergedGradients(double norm) {
    for (Parameter p : parameters) {
      String bad = NonFinite.describe(p.grad());
      if (bad != null) {
        String layer = p.name().substring(0, p.name().lastIndexOf('.'));
        return new TrainingDivergedException(step - 1,
            "the gradient of '" + p.name() + "' (layer '" + layer + "', backward)", bad);
      }
    }
    return new TrainingDivergedException(step - 1, "the gradients", "global norm " + norm);
  }

  /**
   * The forward half of a training step of one partition, for a pipeline scheduler: feeds
   * {@code inputs} (producer name to {@code [n, shape...]}, boundary inputs included) and runs a
   * training pass as micro-batch {@code microBatch} of the current accumulation window, so the
   * pass (dropout) is the one {@link #trainStep} would use for that micro-batch.
   *
   * @return every consumer's value (boundary outputs included), owned by the runtime and valid
   *     until the next forward pass: copy what must outlive it
   */
  public Map<String, Tensor> forwardPartition(Map<String, Tensor> inputs, int microBatch) {
    if (microBatch < pendingMicroBatches) {
      throw new IllegalArgumentException("microBatch: " + microBatch + " (expected: >= "
          + pendingMicroBatches + ", the micro-batches already back-propagated)");
    }
    feeds.feed(inputs);
    forward(Pass.training(seed, step - pendingMicroBatches + microBatch));
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (CompiledNode c : nodes) {
      if (c.isConsumer()) {
        out.put(c.name(), c.value);
      }
    }
    return out;
  }

  /**
   * The backward half of a partition's training step, right after {@link #forwardPartition} of
   * the same micro-batch: runs the loss taps (if the partition has any), adds
   * {@code outputGradients} (consumer name to the gradient of the loss with respect to its value,
   * from the partition after this one) and back-propagates, accumulating parameter gradients
   * over the window. Nothing is updated: {@link #applyAccumulated} does that once per window.
   *
   * @return the loss of this micro-batch summed over this partition's taps (0 without taps)
   */
  public double backwardPartition(Map<String, Tensor> outputGradients) {
    if (optimizer == null) {
      setTrainingOptions(options);
    }
    for (CompiledNode c : nodes) {
      c.clearGradient();
    }
    double loss = 0;
    for (TapRunner t : taps) {
      loss += t.run(true);
    }
    if (!Double.isFinite(loss)) {
      throw divergedForward(loss);
    }
    for (Map.Entry<String, Tensor> e : outputGradients.entrySet()) {
      CompiledNode c = byName.get(e.getKey());
      if (c == null || !c.isConsumer()) {
        throw new IllegalArgumentException("output gradient '" + e.getKey()
            + "': not a consumer of graph '" + graph.name() + "'");
      }
      Tensor g = e.getValue();
      if (c.value == null || !Arrays.equals(g.shape(), c.value.shape())) {
        throw new IllegalArgumentException("output gradient '" + e.getKey() + "': "
            + g.describe() + " (expected: the shape of its value, "
            + (c.value == null ? "not computed" : c.value.describe()) + ")");
      }
      c.addGradient(g, kernels);
    }
    backward(pendingMicroBatches > 0);
    step++;
    pendingMicroBatches++;
    pendingLoss += loss;
    return loss;
  }

  /**
   * The gradient of the loss with respect to boundary input {@code producer} after the last
   * {@link #backwardPartition}, owned by the runtime and valid until the next backward pass.
   *
   * @throws IllegalArgumentException when {@code producer} was not named a gradient input
   */
  public Tensor inputGradient(String producer) {
    CompiledNode c = byName.get(producer);
    if (c == null || !c.isProducer() || !c.needsGradient) {
      throw new IllegalArgumentException("'" + producer + "' is not a gradient input of graph '"
          + graph.name() + "'");
    }
    Tensor g = c.gradient();
    if (g == null) {
      throw new IllegalStateException("no gradient reached '" + producer + "' (call"
          + " backwardPartition first)");
    }
    return g;
  }

  /**
   * Applies the window's accumulated gradients (averaged over its micro-batches) with the
   * optimizer, as {@link #trainStep} does at the end of a window.
   *
   * @throws IllegalStateException when no micro-batch was back-propagated since the last update
   */
  public StepResult applyAccumulated() {
    if (pendingMicroBatches == 0) {
      throw new IllegalStateException("no micro-batch back-propagated since the last update");
    }
    return update(pendingLoss / pendingMicroBatches);
  }

  /**
   * Forgets the window's accumulated gradients without updating, for a caller that ships them
   * elsewhere (a parameter-server worker pushes its gradients and pulls new values instead of
   * stepping its own optimizer). The next {@link #backwardPartition} starts a fresh window.
   */
  public void discardAccumulated() {
    pendingMicroBatches = 0;
    pendingLoss = 0;
  }

  /** {@link #fit(int, FitOptions)} with the training options in force. */
  public FitReport fit(int epochs) {
    return fit(epochs, options);
  }

  /**
   * Trains for {@code epochs} more epochs on the bound producers. Each epoch reads every bound
   * producer to its end (a producer is reset to the runtime's epoch first, so its seeded order
   * matches the counters after a resume). After each epoch the validation data, if any, is
   * evaluated and early stopping consulted.
   *
   * @throws TrainingDivergedException when the loss or a gradient becomes NaN or infinite
   */
  public FitReport fit(int epochs, FitOptions fitOptions) {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs: " + epochs + " (expected: >= 0)");
    }
    if (feeds.bindings().isEmpty()) {
      throw new IllegalStateException("no producer bound: call bindProducer first");
    }
    setTrainingOptions(fitOptions);
    return new FitLoop(this, fitOptions, epochs).run();
  }

  /**
   * Positions every bound producer at the start of epoch {@link #epoch()}, then past the batches
   * of it already trained on (after a resume from a checkpoint taken mid-epoch).
   */
  void positionProducers() {
    for (Binding b : feeds.bindings()) {
      Producer<Batch> p = b.producer();
      if (p.epoch() > epoch) {
        throw new IllegalStateException("producer bound to '" + b.featuresNode()
            + "' is at epoch " + p.epoch() + ", past the runtime's epoch " + epoch);
      }
      while (p.epoch() < epoch) {
        p.reset();
      }
      for (long i = 0; i < batchInEpoch && p.hasNext(); i++) {
        p.next().close();
      }
    }
  }

  /** Reads one batch from every binding and feeds it; false at the end of the epoch. */
  boolean feedNextBatches(List<Batch> open) {
    for (Binding b : feeds.bindings()) {
      if (!b.producer().hasNext()) {
        return false;
      }
    }
    feeds.clearFeeds();
    for (Binding b : feeds.bindings()) {
      Batch batch = b.producer().next();
      open.add(batch);
      feeds.feedBatch(b, batch);
    }
    batchInEpoch++;
    return true;
  }

  /** The first binding's batches per epoch, or -1. */
  long batchesPerEpoch() {
    return feeds.bindings().getFirst().producer().size();
  }

  void setPlannedUpdates(long updates) {
    plannedUpdates = updates;
  }

  /** Applies a partly accumulated update at the end of an epoch; null when none is pending. */
  StepResult flushAccumulated() {
    return pendingMicroBatches > 0 ? update(pendingLoss / pendingMicroBatches) : null;
  }

  /** Moves the counters to the start of the next epoch. */
  void advanceEpoch() {
    epoch++;
    batchInEpoch = 0;
  }






  /** Saves everything needed to resume bit for bit; see {@code docs/runtime.md}. */
  public void saveCheckpoint(Path file) throws IOException {
    CheckpointBridge.save(this, file);
  }

  /**
   * Loads a checkpoint saved from the same graph. A file that is corrupt, truncated, of another
   * format version or from another graph is refused with an exception naming the problem, and
   * this runtime is left exactly as it was.
   */
  public void loadCheckpoint(Path file) throws IOException {
    CheckpointBridge.load(this, file);
  }

  // package-private access for checkpoints, the fit loop and gradient checks

  /**
   * The summed tap loss of a training-mode forward pass on {@code inputs} at the current step
   * (so dropout draws the same mask each call); nothing is updated or counted.
   */
  double trainingLoss(Map<String, Tensor> inputs) {
    feeds.feed(inputs);
    forward(Pass.training(seed, step));
    double loss = 0;
    for (TapRunner t : taps) {
      loss += t.run(false);
    }
    return loss;
  }

  /**
   * {@link #trainingLoss} followed by the backward pass: every parameter's gradient is left in
   * {@link Parameter#grad()}; nothing is updated or counted.
   */
  double lossAndGradients(Map<String, Tensor> inputs) {
    feeds.feed(inputs);
    for (CompiledNode c : nodes) {
      c.clearGradient();
    }
    forward(Pass.training(seed, step));
    double loss = 0;
    for (TapRunner t : taps) {
      loss += t.run(true);
    }
    backward(false);
    return loss;
  }

  Optimizer optimizer() {
    return optimizer;
  }

  double optimizerDecay() {
    return optimizerDecay;
  }

  int pendingMicroBatches() {
    return pendingMicroBatches;
  }

  long batchInEpoch() {
    return batchInEpoch;
  }

  void restoreCounters(long newStep, int newEpoch, long newBatchInEpoch) {
    step = newStep;
    epoch = newEpoch;
    batchInEpoch = newBatchInEpoch;
    pendingMicroBatches = 0;
    pendingLoss = 0;
  }

  void installOptimizer(Optimizer restored, double decay) {
    if (optimizer != null) {
      optimizer.close();
    }
    optimizer = restored;
    optimizerDecay = decay;
    options = options.withOptimizer(restored.config()).withWeightDecay(decay);
  }

  @Override
  public void close() {
    nodes.forEach(CompiledNode::close);
    taps.forEach(TapRunner::close);
    if (optimizer != null) {
      optimizer.close();
    }
  }
}
