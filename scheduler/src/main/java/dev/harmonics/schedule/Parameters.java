package dev.harmonics.schedule;

import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.layer.Layer;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Moves trained values between runtimes by parameter and layer name. */
public final class Parameters {

  private Parameters() {}

  /** Every parameter of {@code runtimes} by name (views of the live values, not copies). */
  public static Map<String, Tensor> byName(List<CycleRuntime> runtimes) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (CycleRuntime r : runtimes) {
      for (Parameter p : r.parameters()) {
        out.put(p.name(), p.value());
      }
    }
    return out;
  }

  /**
   * Copies every parameter and layer state (such as batch-norm statistics) of {@code sources}
   * into the same-named ones of {@code target}, e.g. from a pipeline's partitions into one
   * runtime of the whole graph for evaluation.
   *
   * @throws IllegalArgumentException when a parameter of {@code target} has no source, or shapes
   *     differ
   */
  public static void copy(List<CycleRuntime> sources, CycleRuntime target) {
    Map<String, Tensor> values = byName(sources);
    for (Parameter p : target.parameters()) {
      Tensor from = values.get(p.name());
      if (from == null) {
        throw new IllegalArgumentException("parameter '" + p.name() + "' of the target has no"
            + " source (expected one of " + values.keySet() + ")");
      }
      if (!from.sameShape(p.value())) {
        throw new IllegalArgumentException("parameter '" + p.name() + "': source "
            + from.describe() + " (expected: " + p.value().describe() + ")");
      }
      from.copyTo(p.value());
      p.markChanged();
    }
    Map<String, Layer> layers = new LinkedHashMap<>();
    sources.forEach(r -> r.layers().forEach(l -> layers.put(l.name(), l)));
    for (Layer l : target.layers()) {
      Layer from = layers.get(l.name());
      if (from != null) {
        List<Tensor> src = from.stateTensors();
        List<Tensor> dst = l.stateTensors();
        for (int i = 0; i < Math.min(src.size(), dst.size()); i++) {
          src.get(i).copyTo(dst.get(i));
        }
      }
    }
  }
}
