package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A lookup table {@code [vocabulary, dim]}: each input element, a token index carried as a float,
 * becomes its row, {@code [n, ...] -> [n, ..., dim]}. Indices are not differentiable, so the
 * gradient with respect to the input is zero. At fewer than 32 bits evaluation passes read a table
 * snapped to that grid.
 */
public final class EmbeddingLayer extends AbstractLayer implements PrecisionAware {

  private final int vocabulary;
  private final Parameter table;
  private final BatchBuffer indices;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private Tensor lastIndices;
  private int bits = FULL;
  private QuantizedWeights quantized;

  /** A table of {@code vocabulary} rows of {@code dim}. */
  public EmbeddingLayer(String name, KernelProvider kernels, int[] inputShape, int vocabulary,
      int dim) {
    super(name, kernels, inputShape, append(inputShape, dim));
    this.vocabulary = vocabulary;
    this.table = parameter("table", true, vocabulary, dim);
    this.indices = buffer(DType.INT32, inputShape);
    this.output = buffer(outputShape);
    this.inputGrad = buffer(inputShape);
  }

  private static int[] append(int[] shape, int last) {
    int[] out = java.util.Arrays.copyOf(shape, shape.length + 1);
    out[shape.length] = last;
    return out;
  }

  @Override
  public void initialise(SeededRandom random) {
    Tensor t = table.value();
    float[] values = new float[t.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    t.copyFrom(values);
    table.markChanged();
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    Tensor idx = indices.get(n);
    MemorySegment src = x.data();
    MemorySegment dst = idx.data();
    for (long i = 0, size = x.size(); i < size; i++) {
      float v = src.getAtIndex(ValueLayout.JAVA_FLOAT, i);
      int token = (int) v;
      if (token != v || token < 0 || token >= vocabulary) {
        throw new IllegalArgumentException("layer '" + name + "': input element " + i + " is " + v
            + " (expected: a whole token index in [0, " + vocabulary + "))");
      }
      dst.setAtIndex(ValueLayout.JAVA_INT, i, token);
    }
    Tensor y = output.get(n);
    Tensor t = !pass.training() && bits < FULL ? quantized.values() : table.value();
    kernels.embedding().lookup(t, idx, y);
    lastIndices = pass.training() ? idx : null;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    requireTrainingInput(lastIndices, name);
    if (!accumulate) {
      table.grad().fill(0f);
    }
    kernels.embedding().backward(lastIndices, dy, table.grad());
    if (!inputGradient) {
      return null;
    }
    return inputGrad.get(dy.dim(0)).fill(0f);
  }

  @Override
  public void setPrecisionBits(int newBits) {
    PrecisionAware.checkBits(name, newBits);
    if (quantized != null) {
      quantized.close();
      quantized = null;
    }
    bits = newBits;
    if (bits < FULL) {
      quantized = new QuantizedWeights(table, kernels, bits);
    }
  }

  @Override
  public int precisionBits() {
    return bits;
  }

  @Override
  public void close() {
    if (quantized != null) {
      quantized.close();
    }
    super.close();
  }
}
