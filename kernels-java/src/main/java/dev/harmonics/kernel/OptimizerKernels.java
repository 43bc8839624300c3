package dev.harmonics.kernel;

import static dev.harmonics.kernel.OptimizerArguments.requireConfig;
import static dev.harmonics.kernel.OptimizerArguments.requireDisjoint;
import static dev.harmonics.kernel.TensorChecks.requireFloat;
import static dev.harmonics.kernel.OptimizerArguments.requireLikeParam;
import static dev.harmonics.kernel.OptimizerArguments.requireState;
import static dev.harmonics.kernel.OptimizerArguments.requireStep;

import dev.harmonics.tensor.Tensor;

/**
 * Fused, in-place parameter updates over float32 tensors, plus the two kernels gradient-norm
 * clipping needs. Public methods validate their arguments; implementations only assert.
 *
 * <p>Every update reads the parameter, the gradient and the optimizer state once and writes the
 * parameter and the state once, element by element (LAMB, which needs two whole-tensor norms,
 * reads the parameter and its moments twice). All tensors of one update are float32, contiguous,
 * of the parameter's shape and pairwise disjoint. The gradient is only read. The state tensors
 * are the caller's: allocate them with {@link Tensor#zeros}, which is exactly PyTorch's initial
 * state, and keep them between steps.
 *
 * <p>SGD, Adam, AdamW and RMSProp follow PyTorch's {@code torch.optim} update rules (written out on
 * each config record). Where this differs from PyTorch:
 *
 * <ul>
 *   <li>Rounding. The SIMD backend computes in float32 with fused multiply-adds; the reference
 *       computes each element in float64 and rounds the state and parameter once when storing.
 *       Both agree with PyTorch to float32 rounding, not bit for bit (PyTorch, for example, updates
 *       the first moment with {@code lerp}).
 *   <li>SGD's momentum buffer is created lazily in PyTorch; here {@code step == 1} plays that role:
 *       the buffer is set to the gradient and its old contents are ignored.
 *   <li>{@link RmsPropConfig#of} decays by 0.9 (the Harmonics default); PyTorch's default is 0.99.
 *   <li>Centered RMSProp takes the root of {@code s - a * a} unclamped, as PyTorch does, so a
 *       difference rounded below zero gives NaN there too.
 *   <li>{@link #clipGradNorm} sums the norm in float64 and returns a double (PyTorch returns a
 *       tensor of the gradients' dtype).
 *   <li>Hyper-parameters are checked more strictly: NaN and infinite values are refused, and
 *       dampening and RMSProp's alpha must lie in {@code [0, 1]}.
 *   <li>No {@code maximize}, {@code differentiable} or {@code capturable} variants, no complex
 *       tensors.
 * </ul>
 *
 * <p>NaN and infinity are never skipped: a NaN gradient element makes that parameter element NaN
 * (for LAMB, whose trust ratio spans the tensor, the whole parameter becomes NaN).
 */
public abstract class OptimizerKernels {

  // Argument names for the overlap checks, in parameter order: constants, so a check allocates
  // nothing per call.
  private static final String[] SGD_TENSORS = {"param", "grad", "momentumBuffer"};
  private static final String[] ADAM_TENSORS = {"param", "grad", "m", "v", "vMax"};
  private static final String[] RMSPROP_TENSORS =
      {"param", "grad", "squareAvg", "momentumBuffer", "gradAvg"};
  private static final String[] LAMB_TENSORS = {"param", "grad", "m", "v"};

  /** PyTorch's guard against dividing by a zero norm in {@code clip_grad_norm_}. */
  static final double CLIP_EPSILON = 1e-6;

  protected OptimizerKernels() {}

  /**
   * One SGD step on {@code param}, in place (see {@link SgdConfig} for the rule).
   *
   * @param step the 1-based number of this update; step 1 initialises the momentum buffer
   * @param param parameters, any shape; updated in place
   * @param grad gradient of {@code param}'s shape; only read
   * @param momentumBuffer {@code param}'s shape when {@code config.momentum() > 0}, else null
   */
  public final void sgd(
      SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
    requireConfig(config);
    requireStep(step);
    requireFloat("param", param);
    requireLikeParam("grad", grad, param);
    requireState("momentumBuffer", momentumBuffer, param, "config.momentum()", config.momentum());
    requireDisjoint(SGD_TENSORS, param, grad, momentumBuffer);
    sgdUpdate(config, step, param, grad, momentumBuffer);
  }

  /**
   * One Adam or AdamW step (chosen by {@link AdamConfig#decoupled()}), in place; see {@link
   * AdamConfig} for the rule. For AMSGrad use the overload with {@code vMax}.
   *
   * @param step the 1-based number of this update, for the bias corrections
   * @param param parameters, any shape; updated in place
   * @param grad gradient of {@code param}'s shape; only read
   * @param m first moment, {@code param}'s shape, zero before step 1; updated in place
   * @param v second moment, {@code param}'s shape, zero before step 1; updated in place
   */
  public final void adam(
      AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    adam(config, step, param, grad, m, v, null);
  }

  /**
   * One Adam, AdamW or AMSGrad step, in place; see {@link AdamConfig} for the rule.
   *
   * @param vMax running maximum of {@code v}, {@code param}'s shape and zero before step 1, when
   *     {@code config.amsgrad()}; null otherwise
   */
  public final void adam(
      AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
    requireConfig(config);
    requireStep(step);
    requireFloat("param", param);
    requireLikeParam("grad", grad, param);
    requireLikeParam("m", m, param);
    requireLikeParam("v", v, param);
    requireState("vMax", vMax, param, "config.amsgrad()", config.amsgrad());
    requireDisjoint(ADAM_TENSORS, param, grad, m, v, vMax);
    adamUpdate(config, step, param, grad, m, v, vMax);
  }

  /**
   * One RMSProp step, in place; see {@link RmsPropConfig} for the rule. State tensors are zero
   * before the first step.
   *
   * @param param parameters, any shape; updated in place
   * @param grad gradient of {@code param}'s shape; only read
   * @param squareAvg running average of the squared gradient, {@code param}'s shape
   * @param momentumBuffer {@code param}'s shape when {@code config.momentum() > 0}, else null
   * @param gradAvg running average of the gradient, {@code param}'s shape when {@code
   *     config.centered()}, else null
   */
  public final void rmsprop(RmsPropConfig config, Tensor param, Tensor grad, Tensor squareAvg,
      Tensor momentumBuffer, Tensor gradAvg) {
    requireConfig(config);
    requireFloat("param", param);
    requireLikeParam("grad", grad, param);
    requireLikeParam("squareAvg", squareAvg, param);
    requireState("momentumBuffer", momentumBuffer, param, "config.momentum()", config.momentum());
    requireState("gradAvg", gradAvg, param, "config.centered()", config.centered());
    requireDisjoint(RMSPROP_TENSORS, param, grad, squareAvg, momentumBuffer, gradAvg);
    rmspropUpdate(config, param, grad, squareAvg, momentumBuffer, gradAvg);
  }

  /**
   * One LAMB step on one tensor (one "layer"), in place; see {@link LambConfig} for the rule.
   *
   * <p>The trust ratio needs {@code ||p||} and {@code ||u||} before any parameter changes, so this
   * makes two passes: the first updates {@code m} and {@code v} and sums {@code p * p} and
   * {@code u * u} in float64 over fixed-size blocks, the second recomputes {@code u} from the new
   * moments and applies it. The block sums are added in block order, so the result does not depend
   * on the number of threads.
   *
   * @param step the 1-based number of this update, for the bias corrections
   * @param param parameters, any shape; updated in place
   * @param grad gradient of {@code param}'s shape; only read
   * @param m first moment, {@code param}'s shape, zero before step 1; updated in place
   * @param v second moment, {@code param}'s shape, zero before step 1; updated in place
   */
  public final void lamb(
      LambConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    requireConfig(config);
    requireStep(step);
    requireFloat("param", param);
    requireLikeParam("grad", grad, param);
    requireLikeParam("m", m, param);
    requireLikeParam("v", v, param);
    requireDisjoint(LAMB_TENSORS, param, grad, m, v);
    lambUpdate(config, step, param, grad, m, v);
  }

  /**
   * The Euclidean norm of all elements of all {@code tensors} together, {@code sqrt(sum x * x)},
   * squared and summed in float64 (so float32 values never overflow when squared). The sum runs
   * over fixed-size blocks added in order: the same inputs give the same bits for any thread count.
   *
   * @param tensors float32 contiguous tensors of any shapes; none gives 0
   */
  public final double l2Norm(Tensor... tensors) {
    if (tensors == null) {
      throw new IllegalArgumentException("tensors: null (expected: float32 tensors)");
    }
    for (int i = 0; i < tensors.length; i++) {
      requireFloat("tensors[" + i + "]", tensors[i]);
    }
    double sum = 0;
    for (Tensor t : tensors) {
      sum += sumOfSquares(t);
    }
    return Math.sqrt(sum);
  }

  /**
   * Multiplies every element of {@code tensor} by {@code factor}, in place.
   *
   * @param tensor a float32 contiguous tensor of any shape
   */
  public final void scaleInPlace(Tensor tensor, float factor) {
    requireFloat("tensor", tensor);
    scale(tensor, factor);
  }

  /**
   * Clips gradients by their joint norm, as PyTorch's {@code clip_grad_norm_}: with {@code n =
   * l2Norm(grads)}, every gradient is multiplied by {@code min(1, maxNorm / (n + 1e-6))}. A NaN
   * norm makes every gradient NaN; an infinite one zeroes the finite elements. A tensor listed
   * twice is counted and scaled twice.
   *
   * @param maxNorm the largest joint norm allowed, finite and {@code >= 0}
   * @param grads float32 contiguous gradients of any shapes; scaled in place
   * @return the joint norm before clipping
   */
  public final double clipGradNorm(double maxNorm, Tensor... grads) {
    HyperParameters.nonNegative("maxNorm", maxNorm);
    double norm = l2Norm(grads);
    double coefficient = maxNorm / (norm + CLIP_EPSILON);
    // Scaling by 1 changes nothing, not even NaN or infinity, so the common case skips the pass.
    if (!(coefficient >= 1)) {
      for (Tensor g : grads) {
        scale(g, (float) coefficient);
      }
    }
    return norm;
  }

  /**
   * Runs {@code target}'s implementation without checking the arguments again, for a backend
   * whose public method has already checked them and hands the call to another backend (the
   * native backend's small calls): a second check cost 10-15 ns of a 64-element call.
   */
  protected static void sgdUnchecked(OptimizerKernels target, SgdConfig config, long step,
      Tensor param, Tensor grad, Tensor momentumBuffer) {
    target.sgdUpdate(config, step, param, grad, momentumBuffer);
  }

  /** Like {@link #sgdUnchecked}, for Adam. */
  protected static void adamUnchecked(OptimizerKernels target, AdamConfig config, long step,
      Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
    target.adamUpdate(config, step, param, grad, m, v, vMax);
  }

  /** {@link #sgd}, arguments checked: {@code momentumBuffer} is null exactly when unused. */
  protected abstract void sgdUpdate(
      SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer);

  /** {@link #adam}, arguments checked: {@code vMax} is null exactly when not AMSGrad. */
  protected abstract void adamUpdate(
      AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax);

  /** {@link #rmsprop}, arguments checked: optional state is null exactly when unused. */
  protected abstract void rmspropUpdate(RmsPropConfig config, Tensor param, Tensor grad,
      Tensor squareAvg, Tensor momentumBuffer, Tensor gradAvg);

  /** {@link #lamb}, arguments checked. */
  protected abstract void lambUpdate(
      LambConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v);

  /** Sum of squares of a checked tensor, in float64, independent of the thread count. */
  protected abstract double sumOfSquares(Tensor tensor);

  /** {@link #scaleInPlace}, arguments checked. */
  protected abstract void scale(Tensor tensor, float factor);
}
