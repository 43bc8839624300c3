package dev.harmonics.runtime;

import dev.harmonics.graph.Loss;
import dev.harmonics.graph.LossTap;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.LossKernels;
import dev.harmonics.runtime.layer.BatchBuffer;
import dev.harmonics.runtime.layer.SoftmaxLayer;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Computes one loss tap's mean loss over a batch and feeds its gradient into the graph.
 *
 * <p>Cross-entropy on a consumer fed by {@code -(softmax)->} is fused: the loss kernel takes the
 * logits (the value before the softmax) and returns {@code softmax - target} directly, which is
 * both cheaper and numerically better than differentiating {@code log p}; the gradient goes to
 * the logits' node and the softmax arrow is skipped. Other cross-entropy taps compute
 * {@code -sum t log clamp(p, 1e-7, 1 - 1e-7)} on the tapped value (the clamp's gradient is 0
 * outside the range). MSE uses the loss kernels. Every loss is a mean over rows (samples, or
 * positions of a sequence).
 */
final class TapRunner implements AutoCloseable {

  private final LossTap tap;
  private final CompiledNode tapped;
  private final CompiledNode target;
  private final CompiledNode gradientNode;
  private final boolean fused;
  private final int classes;
  private final KernelProvider kernels;
  private final BatchBuffer gradient;
  private final BatchBuffer labelBuffer;

  TapRunner(LossTap tap, CompiledNode tapped, CompiledNode target, KernelProvider kernels) {
    this.tap = tap;
    this.tapped = tapped;
    this.target = target;
    this.kernels = kernels;
    this.fused = tap.loss() == Loss.CROSS_ENTROPY && tapped.arrow instanceof SoftmaxLayer s
        && !s.log() && tapped.layer == null;
    this.gradientNode = fused ? tapped.input : tapped;
    int[] shape = tapped.node.outputShape().dims();
    this.classes = shape[shape.length - 1];
    this.gradient = new BatchBuffer(shape);
    int positions = tapped.node.outputShape().elements() / classes;
    this.labelBuffer = new BatchBuffer(DType.INT32, positions);
  }

  LossTap tap() {
    return tap;
  }

  String describe() {
    return "loss tap '" + tap + "'";
  }

  CompiledNode target() {
    return target;
  }

  CompiledNode tapped() {
    return tapped;
  }

  boolean classIndexTarget() {
    return tap.encoding() == LossTap.TargetEncoding.CLASS_INDEX;
  }

  /**
   * The mean loss of the current batch; with {@code backward}, also adds its gradient to the node
   * it flows into.
   */
  double run(boolean backward) {
    Tensor value = (fused ? tapped.input.value : tapped.value);
    int n = value.dim(0);
    Tensor rows = value.reshape(-1, classes);
    Tensor grad = backward ? gradient.get(n).reshape(-1, classes) : null;
    double loss = switch (tap.loss()) {
      case CROSS_ENTROPY -> fused ? fusedCrossEntropy(rows, grad) : crossEntropy(rows, grad);
      case MSE -> {
        Tensor t = denseTarget(n).reshape(-1, classes);
        float l = kernels.losses().mse(rows, t);
        if (grad != null) {
          kernels.losses().mseBackward(rows, t, grad);
        }
        yield l;
      }
    };
    if (backward) {
      gradientNode.addGradient(gradient.get(n).reshape(gradientNode.value.shape()), kernels);
    }
    return loss;
  }

  private double fusedCrossEntropy(Tensor logits, Tensor grad) {
    if (classIndexTarget()) {
      return kernels.losses().softmaxCrossEntropy(logits, labels(logits.dim(0)),
          LossKernels.NO_IGNORE_INDEX, 0f, grad);
    }
    Tensor t = denseTarget(tapped.value.dim(0)).reshape(-1, classes);
    return kernels.losses().softmaxCrossEntropyWithProbabilities(logits, t, grad);
  }

  private double crossEntropy(Tensor probabilities, Tensor grad) {
    int rows = probabilities.dim(0);
    float[] p = probabilities.toFloatArray();
    float[] t;
    if (classIndexTarget()) {
      int[] label = labels(rows).toIntArray();
      t = new float[p.length];
      for (int r = 0; r < rows; r++) {
        t[r * classes + label[r]] = 1f;
      }
    } else {
      t = denseTarget(tapped.value.dim(0)).toFloatArray();
    }
    double floor = Loss.PROBABILITY_FLOOR;
    double sum = 0;
    float[] g = grad == null ? null : new float[p.length];
    for (int i = 0; i < p.length; i++) {
      double clamped = Math.min(1 - floor, Math.max(floor, p[i]));
      sum -= t[i] * Math.log(clamped);
      if (g != null) {
        boolean inside = p[i] > floor && p[i] < 1 - floor;
        g[i] = inside ? (float) (-t[i] / clamped / rows) : 0f;
      }
    }
    if (grad != null) {
      grad.copyFrom(g);
    }
    return sum / rows;
  }

  /** Class indices for {@code rows} rows: the batch's labels, or the target's floats checked. */
  private Tensor labels(int rows) {
    if (target.labels != null) {
      return target.labels;
    }
    Tensor values = target.value;
    if (values == null) {
      throw new IllegalStateException(describe() + ": no value for target '" + target.name()
          + "' in this batch");
    }
    Tensor out = labelBuffer.get(values.dim(0)).reshape(-1);
    MemorySegment src = values.data();
    MemorySegment dst = out.data();
    for (int r = 0; r < rows; r++) {
      float v = src.getAtIndex(ValueLayout.JAVA_FLOAT, r);
      int c = (int) v;
      if (c != v || c < 0 || c >= classes) {
        throw new IllegalArgumentException(describe() + ": target '" + target.name() + "' row "
            + r + " holds " + v + " (expected: a class index in [0, " + classes + "))");
      }
      dst.setAtIndex(ValueLayout.JAVA_INT, r, c);
    }
    return out;
  }

  private Tensor denseTarget(int n) {
    Tensor t = target.value;
    if (t == null) {
      throw new IllegalStateException(describe() + ": no value for target '" + target.name()
          + "' in this batch");
    }
    if (t.dim(0) != n) {
      throw new IllegalArgumentException(describe() + ": target batch of " + t.dim(0)
          + " rows for a value batch of " + n);
    }
    return t;
  }

  /** Rows of the current batch whose largest value is at the target class. */
  long correct() {
    Tensor value = tapped.value;
    int n = value.dim(0);
    float[] p = value.reshape(-1, classes).toFloatArray();
    int rows = p.length / classes;
    int[] expected;
    if (classIndexTarget()) {
      expected = labels(rows).toIntArray();
    } else {
      expected = argmax(denseTarget(n).toFloatArray(), classes);
    }
    int[] predicted = argmax(p, classes);
    long hits = 0;
    for (int r = 0; r < rows; r++) {
      hits += predicted[r] == expected[r] ? 1 : 0;
    }
    return hits;
  }

  /** Rows per batch sample (positions of a sequence; 1 for a plain classifier). */
  int rowsPerSample() {
    return tapped.node.outputShape().elements() / classes;
  }

  private static int[] argmax(float[] values, int width) {
    int[] out = new int[values.length / width];
    for (int r = 0; r < out.length; r++) {
      int best = 0;
      for (int c = 1; c < width; c++) {
        if (values[r * width + c] > values[r * width + best]) {
          best = c;
        }
      }
      out[r] = best;
    }
    return out;
  }

  @Override
  public void close() {
    gradient.close();
    labelBuffer.close();
  }
}
