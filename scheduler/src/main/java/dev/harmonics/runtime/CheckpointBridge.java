package dev.harmonics.runtime;

import dev.harmonics.graph.tools.GraphDigest;
import dev.harmonics.runtime.checkpoint.CheckpointData;
import dev.harmonics.runtime.checkpoint.CheckpointData.NamedTensor;
import dev.harmonics.runtime.checkpoint.CheckpointData.OptimizerState;
import dev.harmonics.runtime.checkpoint.CheckpointException;
import dev.harmonics.runtime.checkpoint.CheckpointFile;
import dev.harmonics.runtime.layer.Layer;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.runtime.optim.Optimizer;
import dev.harmonics.runtime.optim.OptimizerConfig;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps a runtime's training state to {@link CheckpointData} and back. A load first decodes and
 * checks everything (graph digest, every tensor's name and shape, the optimizer and the precision
 * policy) and builds the new optimizer, and only then copies values into the runtime, so a refused
 * checkpoint changes nothing.
 */
final class CheckpointBridge {

  private CheckpointBridge() {}

  static void save(CycleRuntime runtime, Path file) throws IOException {
    if (runtime.pendingMicroBatches() > 0) {
      throw new IllegalStateException("a checkpoint cannot be taken in the middle of an"
          + " accumulated update (" + runtime.pendingMicroBatches() + " micro-batches pending);"
          + " save after an update");
    }
    Optimizer optimizer = runtime.optimizer();
    List<NamedTensor> tensors = new ArrayList<>();
    for (Slot slot : slots(runtime, optimizer)) {
      tensors.add(new NamedTensor(slot.name, slot.tensor.shape(), slot.tensor.toFloatArray()));
    }
    OptimizerState state = optimizer == null ? null
        : OptimizerCodec.encode(optimizer.config(), runtime.optimizerDecay());
    CheckpointData data = new CheckpointData(runtime.graph().name(),
        GraphDigest.of(runtime.graph()), runtime.seed(), runtime.step(), runtime.epoch(),
        runtime.batchInEpoch(), optimizer == null ? 0 : optimizer.steps(),
        PrecisionCodec.encode(runtime.precision()), state, tensors);
    CheckpointFile.write(file, data);
  }

  static void load(CycleRuntime runtime, Path file) throws IOException {
    CheckpointData data = CheckpointFile.read(file);
    String digest = GraphDigest.of(runtime.graph());
    if (!digest.equals(data.graphDigest())) {
      throw new CheckpointException(file, "saved from graph '" + data.graphName() + "' (digest "
          + data.graphDigest() + "), but this runtime runs graph '" + runtime.graph().name()
          + "' (digest " + digest + ")");
    }
    PrecisionPolicy precision;
    Optimizer optimizer = null;
    try {
      precision = PrecisionCodec.decode(data.precision());
      if (data.optimizer() != null) {
        OptimizerState s = data.optimizer();
        optimizer = new Optimizer(OptimizerCodec.decode(s), s.weightDecay(),
            runtime.parameters(), runtime.kernels());
        optimizer.setSteps(data.updates());
      }
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, "unreadable settings: " + e.getMessage(), e);
    }
    try {
      List<Slot> slots = slots(runtime, optimizer);
      checkTensors(file, slots, data.tensors());
      for (int i = 0; i < slots.size(); i++) {
        slots.get(i).tensor.copyFrom(data.tensors().get(i).values());
      }
    } catch (IOException | RuntimeException e) {
      if (optimizer != null) {
        optimizer.close();
      }
      throw e;
    }
    runtime.parameters().forEach(Parameter::markChanged);
    if (optimizer != null) {
      runtime.installOptimizer(optimizer, data.optimizer().weightDecay());
    }
    runtime.restoreCounters(data.step(), data.epoch(), data.batchInEpoch());
    runtime.setPrecision(precision);
  }

  private static void checkTensors(Path file, List<Slot> expected, List<NamedTensor> saved)
      throws CheckpointException {
    for (int i = 0; i < Math.max(expected.size(), saved.size()); i++) {
      String want = i < expected.size() ? describe(expected.get(i)) : "nothing more";
      String got = i < saved.size() ? saved.get(i).name() + " "
          + Arrays.toString(saved.get(i).shape()) : "nothing more";
      if (!want.equals(got)) {
        throw new CheckpointException(file, "tensor " + i + " is " + got + " (expected: " + want
            + ")");
      }
    }
  }

  private static String describe(Slot slot) {
    return slot.name + " " + Arrays.toString(slot.tensor.shape());
  }

  private record Slot(String name, Tensor tensor) {}

  /** Every saved tensor of the runtime, in file order. */
  private static List<Slot> slots(CycleRuntime runtime, Optimizer optimizer) {
    List<Slot> slots = new ArrayList<>();
    for (Parameter p : runtime.parameters()) {
      slots.add(new Slot("param:" + p.name(), p.value()));
    }
    for (Layer l : runtime.layers()) {
      List<Tensor> state = l.stateTensors();
      for (int i = 0; i < state.size(); i++) {
        slots.add(new Slot("state:" + l.name() + "#" + i, state.get(i)));
      }
    }
    if (optimizer != null) {
      List<Parameter> parameters = runtime.parameters();
      for (int p = 0; p < parameters.size(); p++) {
        List<Tensor> state = optimizer.stateOf(p);
        for (int i = 0; i < state.size(); i++) {
          slots.add(new Slot("optimizer:" + parameters.get(p).name() + "#" + i, state.get(i)));
        }
      }
    }
    return slots;
  }

  /** Optimizer rules as an id and their settings in record order. */
  static final class OptimizerCodec {

    private OptimizerCodec() {}

    static OptimizerState encode(OptimizerConfig config, double decay) {
      double[] hyper = switch (config) {
        case OptimizerConfig.Sgd s -> new double[] {s.momentum(), s.nesterov() ? 1 : 0};
        case OptimizerConfig.Adam a -> new double[] {a.beta1(), a.beta2(), a.eps()};
        case OptimizerConfig.AdamW a -> new double[] {a.beta1(), a.beta2(), a.eps()};
        case OptimizerConfig.RmsProp r ->
            new double[] {r.alpha(), r.eps(), r.momentum(), r.centered() ? 1 : 0};
        case OptimizerConfig.Lamb l -> new double[] {l.beta1(), l.beta2(), l.eps()};
      };
      return new OptimizerState(config.id(), decay, hyper);
    }

    static OptimizerConfig decode(OptimizerState state) {
      double[] h = state.hyperParameters();
      int expected = switch (state.id()) {
        case "sgd" -> 2;
        case "adam", "adamw", "lamb" -> 3;
        case "rmsprop" -> 4;
        default -> throw new IllegalArgumentException("optimizer '" + state.id() + "' is unknown");
      };
      if (h.length != expected) {
        throw new IllegalArgumentException("optimizer '" + state.id() + "' has " + h.length
            + " settings (expected: " + expected + ")");
      }
      return switch (state.id()) {
        case "sgd" -> new OptimizerConfig.Sgd(h[0], h[1] != 0);
        case "adam" -> new OptimizerConfig.Adam(h[0], h[1], h[2]);
        case "adamw" -> new OptimizerConfig.AdamW(h[0], h[1], h[2]);
        case "lamb" -> new OptimizerConfig.Lamb(h[0], h[1], h[2]);
        default -> new OptimizerConfig.RmsProp(h[0], h[1], h[2], h[3] != 0);
      };
    }
  }
}
