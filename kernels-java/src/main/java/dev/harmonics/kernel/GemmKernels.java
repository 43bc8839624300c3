package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Objects;

/**
 * Dense float32 matrix multiplication in the BLAS {@code sgemm} sense, with an optional fused
 * bias-and-activation epilogue, and a batched form.
 *
 * <p>All matrices are contiguous row-major tensors. A transpose is requested with a flag rather
 * than a strided view: with {@code transA} the tensor {@code a} holds A<sup>T</sup>, that is {@code
 * op(A) = [M, K]} is stored as {@code [K, M]}; the same for {@code transB}. A transposed view
 * ({@code t.transpose(0, 1)}) is rejected with a message suggesting the flag or {@code
 * contiguous()}.
 *
 * <p>Semantics follow BLAS: {@code beta == 0} overwrites C without reading it (NaN or infinity in
 * the old C does not leak), and {@code alpha == 0} (or {@code K == 0}) does not form the product at
 * all, so NaN in A or B is then ignored. Otherwise NaN and infinity propagate as IEEE arithmetic
 * says. Backends may sum the K products in any order, so float results differ from the reference
 * by rounding only; the conformance suite bounds that error by a multiple of {@code K}.
 *
 * <p>Backward passes need no extra kernel: for {@code C = A·B} with upstream gradient {@code G},
 * {@code dA = G·B^T} is {@code gemm(false, true, 1, G, B, 0, dA)} and {@code dB = A^T·G} is {@code
 * gemm(true, false, 1, A, G, 0, dB)}; the transposed forms follow the same way.
 *
 * <p>Public methods validate their arguments; implementations only assert.
 */
public abstract class GemmKernels {

  protected GemmKernels() {}

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C}.
   *
   * @param transA whether {@code a} holds A transposed: {@code a} is {@code [M, K]}, or {@code [K,
   *     M]} when set
   * @param transB whether {@code b} holds B transposed: {@code b} is {@code [K, N]}, or {@code [N,
   *     K]} when set
   * @param c {@code [M, N]}, read only when {@code beta != 0}, overwritten with the result;
   *     must not overlap {@code a} or {@code b}
   */
  public final void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b,
      float beta, Tensor c) {
    gemm(transA, transB, alpha, a, b, beta, c, null, Activation.IDENTITY, 0f);
  }

  /**
   * {@code C = act(alpha·op(A)·op(B) + beta·C + bias)}, the bias broadcast over rows and the
   * activation applied element-wise while each output tile is still in cache.
   *
   * @param bias {@code [N]} float32, or {@code null} for none
   * @param activation the function applied last ({@link Activation#IDENTITY} for none)
   * @param activationAlpha the activation's parameter (see {@link Activation})
   * @see #gemm(boolean, boolean, float, Tensor, Tensor, float, Tensor)
   */
  public final void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b,
      float beta, Tensor c, Tensor bias, Activation activation, float activationAlpha) {
    Objects.requireNonNull(activation, "activation");
    requireMatrix("a", a, 2);
    requireMatrix("b", b, 2);
    requireMatrix("c", c, 2);
    int m = transA ? a.dim(1) : a.dim(0);
    int k = transA ? a.dim(0) : a.dim(1);
    int n = transB ? b.dim(0) : b.dim(1);
    int bk = transB ? b.dim(1) : b.dim(0);
    if (bk != k) {
      throw new IllegalArgumentException("b: " + b.describe() + " (expected: "
          + (transB ? "[N, " + k + "]" : "[" + k + ", N]") + " to match op(a) = [" + m + ", " + k
          + "] from a: " + a.describe() + (transA ? " with transA" : "") + ")");
    }
    if (c.dim(0) != m || c.dim(1) != n) {
      throw new IllegalArgumentException("c: " + c.describe() + " (expected: [" + m + ", " + n
          + "] = op(a) rows by op(b) columns)");
    }
    if (bias != null) {
      requireMatrix("bias", bias, 1);
      if (bias.dim(0) != n) {
        throw new IllegalArgumentException(
            "bias: " + bias.describe() + " (expected: [" + n + "], one value per column of c)");
      }
    }
    requireDisjoint(c, a, "a");
    requireDisjoint(c, b, "b");
    doGemm(transA, transB, m, n, k, alpha, a, b, beta, c, bias, activation, activationAlpha);
  }

  /**
   * {@code C[i] = op(A[i])·op(B[i])} for every batch entry {@code i}, overwriting C.
   *
   * @param a {@code [batch, M, K]}, or {@code [batch, K, M]} with {@code transA}
   * @param b {@code [batch, K, N]}, or {@code [batch, N, K]} with {@code transB}; a rank-2
   *     {@code b} ({@code [K, N]} or {@code [N, K]}) is shared by every batch entry
   * @param c {@code [batch, M, N]}; must not overlap {@code a} or {@code b}
   */
  public final void batchedMatmul(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
    requireMatrix("a", a, 3);
    Objects.requireNonNull(b, "b");
    boolean broadcastB = b.rank() == 2;
    requireMatrix("b", b, broadcastB ? 2 : 3);
    requireMatrix("c", c, 3);
    int batch = a.dim(0);
    int m = transA ? a.dim(2) : a.dim(1);
    int k = transA ? a.dim(1) : a.dim(2);
    int n = transB ? b.dim(-2) : b.dim(-1);
    int bk = transB ? b.dim(-1) : b.dim(-2);
    if (bk != k || (!broadcastB && b.dim(0) != batch)) {
      String matrix = transB ? "[N, " + k + "]" : "[" + k + ", N]";
      throw new IllegalArgumentException("b: " + b.describe() + " (expected: " + matrix + " or ["
          + batch + ", " + matrix.substring(1) + " to match a: " + a.describe()
          + (transA ? " with transA" : "") + ")");
    }
    if (c.dim(0) != batch || c.dim(1) != m || c.dim(2) != n) {
      throw new IllegalArgumentException("c: " + c.describe() + " (expected: [" + batch + ", " + m
          + ", " + n + "])");
    }
    requireDisjoint(c, a, "a");
    requireDisjoint(c, b, "b");
    doBatchedMatmul(transA, transB, batch, m, n, k, a, b, broadcastB, c);
  }

  /**
   * The validated {@code gemm}: shapes agree, tensors are contiguous float32, {@code c} overlaps
   * neither input, {@code bias} is {@code null} or {@code [n]}.
   */
  protected abstract void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c, Tensor bias, Activation activation,
      float activationAlpha);

  /** The validated {@code batchedMatmul}; {@code broadcastB} when {@code b} is rank 2. */
  protected abstract void doBatchedMatmul(boolean transA, boolean transB, int batch, int m, int n,
      int k, Tensor a, Tensor b, boolean broadcastB, Tensor c);

  static void requireMatrix(String name, Tensor t, int rank) {
    Objects.requireNonNull(t, name);
    if (t.dtype() != DType.FLOAT32 || t.rank() != rank) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: a rank-" + rank
          + " float32 tensor)");
    }
    if (!t.isContiguous()) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: contiguous; "
          + "pass a transpose flag instead of a transposed view, or call contiguous())");
    }
  }

  static void requireDisjoint(Tensor out, Tensor in, String inName) {
    if (out.overlaps(in)) {
      throw new IllegalArgumentException("c: " + out.describe() + " overlaps " + inName + ": "
          + in.describe() + " (expected: separate memory for the output)");
    }
  }
}
