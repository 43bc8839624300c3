package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.LossKernels;
import dev.harmonics.tensor.Tensor;

/** Plain-Java loss kernels: the ground truth in tests. Everything in double, on copies. */
final class ReferenceLoss extends LossKernels {

  @Override
  protected float doSoftmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex,
      float labelSmoothing, Tensor dlogits, int rows, int classes, int counted) {
    float[] z = logits.toFloatArray();
    int[] y = labels.toIntArray();
    float[] grad = new float[z.length];
    double eps = labelSmoothing;
    double total = 0;
    for (int n = 0; n < rows; n++) {
      if (y[n] == ignoreIndex) {
        continue;
      }
      double[] logProb = logSoftmax(z, n * classes, classes);
      for (int j = 0; j < classes; j++) {
        double target = (j == y[n] ? 1 - eps : 0) + eps / classes;
        if (target != 0) {
          total -= target * logProb[j];
        }
        grad[n * classes + j] = (float) ((Math.exp(logProb[j]) - target) / counted);
      }
    }
    if (dlogits != null) {
      dlogits.copyFrom(grad);
    }
    return (float) (total / counted);
  }

  @Override
  protected float doSoftmaxCrossEntropyWithProbabilities(Tensor logits, Tensor targets,
      float labelSmoothing, Tensor dlogits, int rows, int classes) {
    float[] z = logits.toFloatArray();
    float[] t = targets.toFloatArray();
    float[] grad = new float[z.length];
    double eps = labelSmoothing;
    double total = 0;
    for (int n = 0; n < rows; n++) {
      double[] logProb = logSoftmax(z, n * classes, classes);
      double targetSum = 0;
      double[] target = new double[classes];
      for (int j = 0; j < classes; j++) {
        target[j] = (1 - eps) * t[n * classes + j] + eps / classes;
        targetSum += target[j];
        total -= target[j] * logProb[j];
      }
      for (int j = 0; j < classes; j++) {
        grad[n * classes + j] = (float) ((Math.exp(logProb[j]) * targetSum - target[j]) / rows);
      }
    }
    if (dlogits != null) {
      dlogits.copyFrom(grad);
    }
    return (float) (total / rows);
  }

  @Override
  protected float doMse(Tensor prediction, Tensor target, int size) {
    float[] p = prediction.toFloatArray();
    float[] t = target.toFloatArray();
    double sum = 0;
    for (int i = 0; i < size; i++) {
      double d = (double) p[i] - t[i];
      sum += d * d;
    }
    return (float) (sum / size);
  }

  @Override
  protected void doMseBackward(Tensor prediction, Tensor target, Tensor dprediction, int size) {
    float[] p = prediction.toFloatArray();
    float[] t = target.toFloatArray();
    float[] grad = new float[size];
    for (int i = 0; i < size; i++) {
      grad[i] = (float) (2.0 * ((double) p[i] - t[i]) / size);
    }
    dprediction.copyFrom(grad);
  }

  /** {@code log softmax} of {@code z[from, from + n)} in double. */
  private static double[] logSoftmax(float[] z, int from, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      max = Math.max(max, z[from + j]);
    }
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += Math.exp(z[from + j] - max);
    }
    double logSum = Math.log(sum);
    double[] out = new double[n];
    for (int j = 0; j < n; j++) {
      out[j] = (z[from + j] - max) - logSum;
    }
    return out;
  }
}
