package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Objects;

/**
 * Affine int8 quantisation and an int8 matrix product with int32 results.
 *
 * <p>Every kernel here is exact: backends must agree with the reference bit for bit. The float
 * steps are single IEEE operations in float32 (one division, one multiplication), and rounding is
 * fixed:
 * <ul>
 *   <li>quantise: {@code q = clamp(roundHalfEven(x / scale) + zeroPoint, -128, 127)}; NaN maps to
 *       {@code zeroPoint} (it has no better code), ±infinity saturate;
 *   <li>dequantise: {@code x = (float) (q - zeroPoint) * scale}.
 * </ul>
 *
 * <p>Public methods validate their arguments; implementations only assert.
 */
public abstract class QuantKernels {

  protected QuantKernels() {}

  /**
   * Quantises float32 {@code x} into int8 {@code q} of the same shape.
   *
   * @param scale finite and positive
   * @param zeroPoint in {@code [-128, 127]}
   */
  public final void quantize(Tensor x, float scale, int zeroPoint, Tensor q) {
    quantize(x, new QuantParams(scale, zeroPoint), q);
  }

  /** {@link #quantize(Tensor, float, int, Tensor)} with the scale and zero point of a mapping. */
  public final void quantize(Tensor x, QuantParams params, Tensor q) {
    Objects.requireNonNull(params, "params");
    requireTensor("x", x, DType.FLOAT32);
    requireTensor("q", q, DType.INT8);
    requireSameShape("q", q, "x", x);
    doQuantize(x, params.scale(), params.zeroPoint(), q);
  }

  /**
   * Dequantises int8 {@code q} into float32 {@code x} of the same shape.
   *
   * @param scale finite and positive
   * @param zeroPoint in {@code [-128, 127]}
   */
  public final void dequantize(Tensor q, float scale, int zeroPoint, Tensor x) {
    dequantize(q, new QuantParams(scale, zeroPoint), x);
  }

  /** {@link #dequantize(Tensor, float, int, Tensor)} with the scale and zero point of a mapping. */
  public final void dequantize(Tensor q, QuantParams params, Tensor x) {
    Objects.requireNonNull(params, "params");
    requireTensor("q", q, DType.INT8);
    requireTensor("x", x, DType.FLOAT32);
    requireSameShape("x", x, "q", q);
    doDequantize(q, params.scale(), params.zeroPoint(), x);
  }

  /**
   * {@code C = A·B} over the integers: int8 {@code a [M, K]} times int8 {@code b [K, N]} into int32
   * {@code c [M, N]}, overwriting C.
   *
   * <p>Each element is the exact sum of its K products, then saturated to the int32 range: a sum
   * above {@link Integer#MAX_VALUE} is stored as {@code MAX_VALUE} (likewise below), never wrapped.
   * Saturation can only happen when {@code K > 131071} (each product is at most 2<sup>14</sup> in
   * magnitude). Zero points are the caller's business: subtract them before, or correct the sums
   * with row and column sums after.
   */
  public final void gemmInt8(Tensor a, Tensor b, Tensor c) {
    requireTensor("a", a, DType.INT8);
    requireTensor("b", b, DType.INT8);
    requireTensor("c", c, DType.INT32);
    if (a.rank() != 2) {
      throw new IllegalArgumentException("a: " + a.describe() + " (expected: rank 2, [M, K])");
    }
    if (b.rank() != 2 || b.dim(0) != a.dim(1)) {
      throw new IllegalArgumentException("b: " + b.describe() + " (expected: [" + a.dim(1)
          + ", N] to match a: " + a.describe() + ")");
    }
    if (c.rank() != 2 || c.dim(0) != a.dim(0) || c.dim(1) != b.dim(1)) {
      throw new IllegalArgumentException("c: " + c.describe() + " (expected: [" + a.dim(0) + ", "
          + b.dim(1) + "])");
    }
    GemmKernels.requireDisjoint(c, a, "a");
    GemmKernels.requireDisjoint(c, b, "b");
    doGemmInt8(a.dim(0), b.dim(1), a.dim(1), a, b, c);
  }

  /** The validated {@code quantize}. */
  protected abstract void doQuantize(Tensor x, float scale, int zeroPoint, Tensor q);

  /** The validated {@code dequantize}. */
  protected abstract void doDequantize(Tensor q, float scale, int zeroPoint, Tensor x);

  /** The validated {@code gemmInt8}: {@code a [m, k]}, {@code b [k, n]}, {@code c [m, n]}. */
  protected abstract void doGemmInt8(int m, int n, int k, Tensor a, Tensor b, Tensor c);

  private static void requireTensor(String name, Tensor t, DType dtype) {
    Objects.requireNonNull(t, name);
    TensorChecks.requireTensor(name, t, dtype);
  }

  private static void requireSameShape(String name, Tensor t, String otherName, Tensor other) {
    if (!t.sameShape(other)) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: the shape of "
          + otherName + ": " + other.describe() + ")");
    }
  }
}
