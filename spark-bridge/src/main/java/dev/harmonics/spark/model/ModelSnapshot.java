package dev.harmonics.spark.model;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.graph.harp.HarpWriter;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.runtime.optim.Optimizer;
import dev.harmonics.tensor.Tensor;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A model as Spark ships it: the graph as HARP text, every parameter's values and, when training,
 * the optimizer's state, in plain arrays so Java serialization (broadcast, task results) carries
 * it. {@link #id()} is a digest of all of it, so executors can cache what they build from it.
 *
 * @param harp the graph, in HARP text
 * @param seed the runtime seed (initialisation, dropout)
 * @param names parameter names, in the runtime's order
 * @param values parameter values, row-major, in the same order
 * @param optimizerState per parameter, the optimizer's state tensors (empty arrays when absent)
 * @param optimizerSteps updates the optimizer has made (bias correction needs it)
 */
public record ModelSnapshot(String harp, long seed, String[] names, float[][] values,
    float[][][] optimizerState, long optimizerSteps) implements Serializable {

  /** Captures {@code runtime}'s parameters (and {@code optimizer}'s state, if not null). */
  public static ModelSnapshot capture(CycleRuntime runtime, Optimizer optimizer) {
    List<Parameter> parameters = runtime.parameters();
    String[] names = new String[parameters.size()];
    float[][] values = new float[parameters.size()][];
    float[][][] state = new float[parameters.size()][][];
    for (int i = 0; i < names.length; i++) {
      names[i] = parameters.get(i).name();
      values[i] = parameters.get(i).value().toFloatArray();
      List<Tensor> tensors = optimizer == null ? List.of() : optimizer.stateOf(i);
      state[i] = tensors.stream().map(Tensor::toFloatArray).toArray(float[][]::new);
    }
    return new ModelSnapshot(HarpWriter.write(runtime.graph()), runtime.seed(), names, values,
        state, optimizer == null ? 0 : optimizer.steps());
  }

  /** The graph this snapshot holds. */
  public HarmonicGraph graph() {
    return HarpParser.parse(harp, "<model snapshot>");
  }

  /** A runtime on {@code kernels} holding this snapshot's parameter values. */
  public CycleRuntime open(KernelProvider kernels) {
    CycleRuntime runtime = CycleRuntime.compile(graph(), kernels, seed);
    try {
      restoreInto(runtime, null);
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /** Copies the values into {@code runtime}'s parameters and the state into {@code optimizer}. */
  public void restoreInto(CycleRuntime runtime, Optimizer optimizer) {
    List<Parameter> parameters = runtime.parameters();
    if (parameters.size() != names.length) {
      throw new IllegalArgumentException("snapshot has " + names.length + " parameters, the "
          + "runtime " + parameters.size() + " (expected: the same graph)");
    }
    for (int i = 0; i < names.length; i++) {
      Parameter p = parameters.get(i);
      if (!p.name().equals(names[i]) || p.size() != values[i].length) {
        throw new IllegalArgumentException("parameter " + i + ": snapshot has " + names[i] + "["
            + values[i].length + "], the runtime " + p.name() + "[" + p.size() + "]");
      }
      p.value().copyFrom(values[i]);
      p.markChanged();
      if (optimizer != null && optimizerState[i].length > 0) {
        List<Tensor> state = optimizer.stateOf(i);
        for (int s = 0; s < state.size(); s++) {
          state.get(s).copyFrom(optimizerState[i][s]);
        }
      }
    }
    if (optimizer != null) {
      optimizer.setSteps(optimizerSteps);
    }
  }

  /** The same model with other values and optimizer state. */
  public ModelSnapshot with(float[][] newValues, float[][][] newState, long newSteps) {
    return new ModelSnapshot(harp, seed, names, newValues, newState, newSteps);
  }

  /** A SHA-256 digest of the graph and every value, in hex: equal snapshots have equal ids. */
  public String id() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(harp.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      ByteBuffer scalar = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      digest.update(scalar.putLong(seed).putLong(optimizerSteps).array());
      for (float[] v : values) {
        update(digest, v);
      }
      for (float[][] tensors : optimizerState) {
        for (float[] v : tensors) {
          update(digest, v);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  private static void update(MessageDigest digest, float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    digest.update(bytes);
  }
}
