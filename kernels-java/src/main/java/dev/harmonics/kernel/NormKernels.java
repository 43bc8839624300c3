package dev.harmonics.kernel;

import static dev.harmonics.kernel.TensorChecks.requireFloat;

import dev.harmonics.tensor.Tensor;
import java.util.Arrays;

/**
 * Normalisation kernels: batch norm, layer norm and RMS norm, forward and backward, in float32.
 *
 * <p>Every tensor must be float32 and contiguous (call {@code contiguous()} on a view first).
 * Outputs are caller-allocated and overwritten, never accumulated into. Outputs must not overlap
 * the inputs, except where a parameter says it may be the very same tensor (an element-wise update
 * in place: {@code y} may be {@code x}, {@code dx} may be {@code dy}). The public methods check
 * every argument and throw {@link IllegalArgumentException} naming the offending one;
 * implementations only assert.
 *
 * <p>Shapes: batch norm takes {@code x} as {@code [N, C, *]}: {@code [N, C]} for dense layers,
 * {@code [N, C, H, W]} for images, any trailing spatial dimensions in general; statistics are per
 * channel over the {@code M = N * (spatial size)} values of that channel. Layer norm and RMS norm
 * normalise each row of the last {@code D} elements, where {@code D = gamma.size()} and {@code
 * gamma}'s shape must equal the trailing dimensions of {@code x}; there are {@code R = x.size() /
 * D} rows and the saved per-row statistics are {@code [R]}.
 *
 * <p>Statistics are the biased (population) variance, as in PyTorch's forward pass; the running
 * variance of batch norm is updated with the unbiased one. NaN and infinity in the input propagate
 * to the outputs of the row or channel they are in.
 */
public abstract class NormKernels {

  protected NormKernels() {}

  /**
   * Batch normalisation in training mode. Per channel {@code c}, with the batch statistics {@code
   * mean = mean(x[:, c])} and {@code var = mean((x[:, c] - mean)^2)}: {@code y = (x - mean) /
   * sqrt(var + eps) * gamma[c] + beta[c]}. Then, in place, {@code runningMean = (1 - momentum) *
   * runningMean + momentum * mean} and {@code runningVar = (1 - momentum) * runningVar + momentum *
   * var * M / (M - 1)} (PyTorch's rule). {@code saveMean} and {@code saveInvStd} receive {@code
   * mean} and {@code 1 / sqrt(var + eps)} for {@link #batchNormBackward}.
   *
   * @param x input {@code [N, C, *]} with {@code M = N * (spatial size) >= 2}
   * @param gamma scale {@code [C]}
   * @param beta shift {@code [C]}
   * @param runningMean {@code [C]}, updated in place
   * @param runningVar {@code [C]}, updated in place
   * @param momentum weight of the batch statistic in the running average, in {@code [0, 1]}
   * @param eps added to the variance, finite and {@code >= 0}
   * @param y output, the shape of {@code x}; may be {@code x}
   * @param saveMean output {@code [C]}, or null when no backward pass follows
   * @param saveInvStd output {@code [C]}, or null when no backward pass follows
   */
  public final void batchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
      Tensor saveInvStd) {
    int channels = checkBatchInput(x);
    checkLength("gamma", gamma, channels, x, null);
    checkLength("beta", beta, channels, x, null);
    checkLength("runningMean", runningMean, channels, x, null);
    checkLength("runningVar", runningVar, channels, x, null);
    checkLike("y", y, x, x, null);
    checkOptionalLength("saveMean", saveMean, channels, x, null);
    checkOptionalLength("saveInvStd", saveInvStd, channels, x, null);
    if (!(momentum >= 0f && momentum <= 1f)) {
      throw new IllegalArgumentException(
          "momentum: " + momentum + " (expected: 0 <= momentum <= 1)");
    }
    checkEps(eps);
    int spatial = spatialSize(x);
    long perChannelCount = (long) x.dim(0) * spatial;
    if (perChannelCount < 2) {
      throw new IllegalArgumentException("x: " + x.describe() + " has " + perChannelCount
          + " value(s) per channel (expected: at least 2 to estimate a variance in training)");
    }
    doBatchNormTrainingForward(x, gamma, beta, runningMean, runningVar, momentum, eps, y, saveMean,
        saveInvStd, x.dim(0), channels, spatial);
  }

  /**
   * Batch normalisation in inference mode: {@code y = (x - runningMean[c]) / sqrt(runningVar[c] +
   * eps) * gamma[c] + beta[c]}. Shapes as in {@link #batchNormTrainingForward}; {@code N} may be
   * anything, including 1. {@code y} may be {@code x}.
   */
  public final void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
      Tensor runningVar, float eps, Tensor y) {
    int channels = checkBatchInput(x);
    checkLength("gamma", gamma, channels, x, null);
    checkLength("beta", beta, channels, x, null);
    checkLength("runningMean", runningMean, channels, x, null);
    checkLength("runningVar", runningVar, channels, x, null);
    checkLike("y", y, x, x, null);
    checkEps(eps);
    doBatchNormInference(x, gamma, beta, runningMean, runningVar, eps, y, x.dim(0), channels,
        spatialSize(x));
  }

  /**
   * Gradients of training-mode batch normalisation, from the statistics its forward pass saved.
   * With {@code xhat = (x - saveMean) * saveInvStd}, per channel: {@code dbeta = sum(dy)}, {@code
   * dgamma = sum(dy * xhat)} and {@code dx = gamma * saveInvStd / M * (M * dy - dbeta - xhat *
   * dgamma)}.
   *
   * @param dy gradient of the loss with respect to {@code y}, the shape of {@code x}
   * @param x the forward input {@code [N, C, *]}
   * @param gamma scale {@code [C]}
   * @param saveMean {@code [C]} from the forward pass
   * @param saveInvStd {@code [C]} from the forward pass
   * @param dx output, the shape of {@code x}; may be {@code dy}
   * @param dgamma output {@code [C]}, or null when not needed
   * @param dbeta output {@code [C]}, or null when not needed
   */
  public final void batchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
    int channels = checkBatchInput(x);
    checkLike("dy", dy, x, x, null);
    checkLength("gamma", gamma, channels, x, null);
    checkLength("saveMean", saveMean, channels, x, null);
    checkLength("saveInvStd", saveInvStd, channels, x, null);
    checkLike("dx", dx, x, x, null);
    checkOptionalLength("dgamma", dgamma, channels, x, null);
    checkOptionalLength("dbeta", dbeta, channels, x, null);
    doBatchNormBackward(dy, x, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, x.dim(0), channels,
        spatialSize(x));
  }

  /**
   * Layer normalisation of each row of the last {@code D} elements: {@code y = (x - mean) /
   * sqrt(var + eps) * gamma + beta}, with the row's mean and biased variance.
   *
   * @param x input whose trailing dimensions equal {@code gamma}'s shape
   * @param gamma scale, the normalised shape ({@code D} elements, {@code D >= 1})
   * @param beta shift, the shape of {@code gamma}
   * @param eps added to the variance, finite and {@code >= 0}
   * @param y output, the shape of {@code x}; may be {@code x}
   * @param saveMean output {@code [R]}, or null when no backward pass follows
   * @param saveRstd output {@code [R]} receiving {@code 1 / sqrt(var + eps)}, or null
   */
  public final void layerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y,
      Tensor saveMean, Tensor saveRstd) {
    int rows = checkRowInput(x, gamma);
    checkLike("beta", beta, gamma, x, gamma);
    checkLike("y", y, x, x, gamma);
    checkOptionalLength("saveMean", saveMean, rows, x, gamma);
    checkOptionalLength("saveRstd", saveRstd, rows, x, gamma);
    checkEps(eps);
    doLayerNormForward(x, gamma, beta, eps, y, saveMean, saveRstd, rows, gamma.size());
  }

  /**
   * Gradients of {@link #layerNormForward}. With {@code xhat = (x - saveMean) * saveRstd} and
   * {@code g = dy * gamma}, per row: {@code dx = saveRstd * (g - mean(g) - xhat * mean(g * xhat))};
   * over all rows: {@code dgamma = sum(dy * xhat)}, {@code dbeta = sum(dy)}.
   *
   * @param dy gradient with respect to {@code y}, the shape of {@code x}
   * @param x the forward input
   * @param gamma scale, the normalised shape
   * @param saveMean {@code [R]} from the forward pass
   * @param saveRstd {@code [R]} from the forward pass
   * @param dx output, the shape of {@code x}; may be {@code dy}
   * @param dgamma output, the shape of {@code gamma}, or null when not needed
   * @param dbeta output, the shape of {@code gamma}, or null when not needed
   */
  public final void layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveRstd, Tensor dx, Tensor dgamma, Tensor dbeta) {
    int rows = checkRowInput(x, gamma);
    checkLike("dy", dy, x, x, gamma);
    checkLength("saveMean", saveMean, rows, x, gamma);
    checkLength("saveRstd", saveRstd, rows, x, gamma);
    checkLike("dx", dx, x, x, gamma);
    checkOptionalLike("dgamma", dgamma, gamma, x, gamma);
    checkOptionalLike("dbeta", dbeta, gamma, x, gamma);
    doLayerNormBackward(dy, x, gamma, saveMean, saveRstd, dx, dgamma, dbeta, rows, gamma.size());
  }

  /**
   * RMS normalisation of each row of the last {@code D} elements: {@code y = x / sqrt(mean(x^2) +
   * eps) * gamma}.
   *
   * @param x input whose trailing dimensions equal {@code gamma}'s shape
   * @param gamma scale, the normalised shape ({@code D} elements, {@code D >= 1})
   * @param eps added to the mean square, finite and {@code >= 0}
   * @param y output, the shape of {@code x}; may be {@code x}
   * @param saveRrms output {@code [R]} receiving {@code 1 / sqrt(mean(x^2) + eps)}, or null
   */
  public final void rmsNormForward(Tensor x, Tensor gamma, float eps, Tensor y, Tensor saveRrms) {
    int rows = checkRowInput(x, gamma);
    checkLike("y", y, x, x, gamma);
    checkOptionalLength("saveRrms", saveRrms, rows, x, gamma);
    checkEps(eps);
    doRmsNormForward(x, gamma, eps, y, saveRrms, rows, gamma.size());
  }

  /**
   * Gradients of {@link #rmsNormForward}. With {@code xhat = x * saveRrms} and {@code g = dy *
   * gamma}, per row: {@code dx = saveRrms * (g - xhat * mean(g * xhat))}; over all rows: {@code
   * dgamma = sum(dy * xhat)}.
   *
   * @param dy gradient with respect to {@code y}, the shape of {@code x}
   * @param x the forward input
   * @param gamma scale, the normalised shape
   * @param saveRrms {@code [R]} from the forward pass
   * @param dx output, the shape of {@code x}; may be {@code dy}
   * @param dgamma output, the shape of {@code gamma}, or null when not needed
   */
  public final void rmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveRrms, Tensor dx,
      Tensor dgamma) {
    int rows = checkRowInput(x, gamma);
    checkLike("dy", dy, x, x, gamma);
    checkLength("saveRrms", saveRrms, rows, x, gamma);
    checkLike("dx", dx, x, x, gamma);
    checkOptionalLike("dgamma", dgamma, gamma, x, gamma);
    doRmsNormBackward(dy, x, gamma, saveRrms, dx, dgamma, rows, gamma.size());
  }

  /** Arguments checked; {@code x} is {@code [batch, channels, spatial]} in memory. */
  protected abstract void doBatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
      Tensor saveInvStd, int batch, int channels, int spatial);

  /** Arguments checked; {@code x} is {@code [batch, channels, spatial]} in memory. */
  protected abstract void doBatchNormInference(Tensor x, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, float eps, Tensor y, int batch, int channels,
      int spatial);

  /** Arguments checked; {@code x} is {@code [batch, channels, spatial]} in memory. */
  protected abstract void doBatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, int batch, int channels,
      int spatial);

  /**
   * Runs {@code target}'s implementation without checking the arguments again, for a backend
   * whose public method has already checked them and hands the call to another backend (the
   * native backend's small calls): a second check cost 10-15 ns of a 64-element call.
   */
  protected static void layerNormForwardUnchecked(NormKernels target, Tensor x, Tensor gamma,
      Tensor beta, float eps, Tensor y, Tensor saveMean, Tensor saveRstd, int rows, int width) {
    target.doLayerNormForward(x, gamma, beta, eps, y, saveMean, saveRstd, rows, width);
  }

  /** Like {@link #layerNormForwardUnchecked}, for RMS norm forward. */
  protected static void rmsNormForwardUnchecked(NormKernels target, Tensor x, Tensor gamma,
      float eps, Tensor y, Tensor saveRrms, int rows, int width) {
    target.doRmsNormForward(x, gamma, eps, y, saveRrms, rows, width);
  }

  /** Like {@link #layerNormForwardUnchecked}, for batch norm training forward. */
  protected static void batchNormTrainingForwardUnchecked(NormKernels target, Tensor x,
      Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum, float eps,
      Tensor y, Tensor saveMean, Tensor saveInvStd, int batch, int channels, int spatial) {
    target.doBatchNormTrainingForward(x, gamma, beta, runningMean, runningVar, momentum, eps, y,
        saveMean, saveInvStd, batch, channels, spatial);
  }

  /** Arguments checked; {@code x} is {@code [rows, width]} in memory. */
  protected abstract void doLayerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps,
      Tensor y, Tensor saveMean, Tensor saveRstd, int rows, int width);

  /** Arguments checked; {@code x} is {@code [rows, width]} in memory. */
  protected abstract void doLayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean,
      Tensor saveRstd, Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int width);

  /** Arguments checked; {@code x} is {@code [rows, width]} in memory. */
  protected abstract void doRmsNormForward(Tensor x, Tensor gamma, float eps, Tensor y,
      Tensor saveRrms, int rows, int width);

  /** Arguments checked; {@code x} is {@code [rows, width]} in memory. */
  protected abstract void doRmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveRrms,
      Tensor dx, Tensor dgamma, int rows, int width);

  private static int checkBatchInput(Tensor x) {
    requireFloat("x", x);
    if (x.rank() < 2) {
      throw new IllegalArgumentException(
          "x: " + x.describe() + " (expected: rank >= 2, [N, C] or [N, C, spatial...])");
    }
    return x.dim(1);
  }

  private static int spatialSize(Tensor x) {
    int spatial = 1;
    for (int d = 2; d < x.rank(); d++) {
      spatial *= x.dim(d);
    }
    return spatial;
  }

  /** Checks {@code x} against the normalised shape of {@code gamma}; returns the row count. */
  private static int checkRowInput(Tensor x, Tensor gamma) {
    requireFloat("x", x);
    requireFloat("gamma", gamma);
    int offset = x.rank() - gamma.rank();
    boolean trailing = gamma.rank() >= 1 && offset >= 0;
    for (int d = 0; trailing && d < gamma.rank(); d++) {
      trailing = x.dim(offset + d) == gamma.dim(d);
    }
    if (!trailing || gamma.size() == 0) {
      throw new IllegalArgumentException("gamma: " + gamma.describe()
          + " (expected: a non-empty shape equal to the trailing dimensions of x: " + x.describe()
          + ")");
    }
    return x.size() / gamma.size();
  }

  private static void checkEps(float eps) {
    if (!(eps >= 0f) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException("eps: " + eps + " (expected: finite and >= 0)");
    }
  }

  /** {@code t} has exactly {@code ref}'s shape; the message names x (and gamma, if given). */
  private static void checkLike(String name, Tensor t, Tensor ref, Tensor x, Tensor gamma) {
    requireFloat(name, t);
    if (!t.sameShape(ref)) {
      throw shapeMismatch(name, t, ref.shape(), x, gamma);
    }
  }

  /** {@code t} is one-dimensional of {@code length}. */
  private static void checkLength(String name, Tensor t, int length, Tensor x, Tensor gamma) {
    requireFloat(name, t);
    if (!t.hasShape(length)) {
      throw shapeMismatch(name, t, new int[] {length}, x, gamma);
    }
  }

  private static void checkOptionalLike(
      String name, Tensor t, Tensor ref, Tensor x, Tensor gamma) {
    if (t != null) {
      checkLike(name, t, ref, x, gamma);
    }
  }

  private static void checkOptionalLength(
      String name, Tensor t, int length, Tensor x, Tensor gamma) {
    if (t != null) {
      checkLength(name, t, length, x, gamma);
    }
  }

  // Put into words only once a check fails, so a passing call builds no strings.
  private static IllegalArgumentException shapeMismatch(
      String name, Tensor t, int[] expected, Tensor x, Tensor gamma) {
    return new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
        + Arrays.toString(expected) + " to match x: " + x.describe()
        + (gamma == null ? "" : " and gamma: " + gamma.describe()) + ")");
  }
}
