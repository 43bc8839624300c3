package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every layer shares: its name, shapes, kernels, parameters and reusable buffers, closed
 * together.
 */
abstract class AbstractLayer implements Layer {

  protected final String name;
  protected final KernelProvider kernels;
  protected final int[] inputShape;
  protected final int[] outputShape;
  private final List<Parameter> parameters = new ArrayList<>();
  private final List<AutoCloseable> owned = new ArrayList<>();

  AbstractLayer(String name, KernelProvider kernels, int[] inputShape, int[] outputShape) {
    this.name = Objects.requireNonNull(name, "name");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.inputShape = inputShape.clone();
    this.outputShape = outputShape.clone();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public int[] outputShape() {
    return outputShape.clone();
  }

  @Override
  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  /** Layers without parameters have nothing to initialise; the others override this. */
  @Override
  public void initialise(SeededRandom random) {
    if (!parameters.isEmpty()) {
      throw new IllegalStateException("layer '" + name + "' has parameters but no initialiser");
    }
  }

  /** Registers a parameter {@code name.role} of {@code shape}. */
  protected Parameter parameter(String role, boolean decays, int... shape) {
    Parameter p = new Parameter(name + "." + role, decays, shape);
    parameters.add(p);
    owned.add(p);
    return p;
  }

  /** A reusable float32 batch buffer freed with the layer. */
  protected BatchBuffer buffer(int... sampleShape) {
    return buffer(DType.FLOAT32, sampleShape);
  }

  /** A reusable batch buffer of {@code dtype} freed with the layer. */
  protected BatchBuffer buffer(DType dtype, int... sampleShape) {
    BatchBuffer b = new BatchBuffer(dtype, sampleShape);
    owned.add(b);
    return b;
  }

  /** A gradient sink for {@code p} freed with the layer. */
  protected GradientSink sink(Parameter p) {
    GradientSink s = new GradientSink(p);
    owned.add(s);
    return s;
  }

  /** A fixed-size tensor freed with the layer. */
  protected Tensor fixed(int... shape) {
    Tensor t = Tensor.zeros(shape);
    owned.add(t);
    return t;
  }

  /** Fails unless the last forward pass was a training pass that saved what backward needs. */
  protected static void requireTrainingInput(Tensor lastInput, String layer) {
    if (lastInput == null) {
      throw new IllegalStateException("layer '" + layer
          + "': backward without a training forward pass before it");
    }
  }

  /** Checks that {@code x} is {@code [n, inputShape...]} and returns {@code n}. */
  protected int batchOf(Tensor x) {
    int[] s = x.shape();
    boolean ok = s.length == inputShape.length + 1;
    for (int d = 0; ok && d < inputShape.length; d++) {
      ok = s[d + 1] == inputShape[d];
    }
    if (!ok) {
      throw new IllegalArgumentException("layer '" + name + "': input " + x.describe()
          + " (expected: [batch, " + join(inputShape) + "])");
    }
    return s[0];
  }

  static String join(int[] dims) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return sb.toString();
  }

  static int product(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing layer '" + name + "'", e);
      }
    }
    owned.clear();
  }
}
