package dev.harmonics.kernel;

import static dev.harmonics.kernel.PointwiseChecks.requireBroadcastShape;
import static dev.harmonics.kernel.PointwiseChecks.requireDisjoint;
import static dev.harmonics.kernel.PointwiseChecks.requireFloat;
import static dev.harmonics.kernel.PointwiseChecks.requireSameOrDisjoint;
import static dev.harmonics.kernel.PointwiseChecks.requireSameShape;

import dev.harmonics.tensor.Tensor;
import java.util.Objects;

/**
 * Binary arithmetic ({@link BinaryOp}: add, sub, mul, div) with NumPy broadcasting, its backward,
 * a tensor-scalar form and in-place accumulation, on contiguous float32 tensors.
 *
 * <p>Broadcasting aligns shapes from the right; sizes must be equal or 1 ({@link Broadcasting}).
 * The caller allocates the output with {@link #broadcastShape(Tensor, Tensor)}. Forward results are
 * exactly the IEEE float results, identical across backends; backward results that sum over
 * broadcast dimensions accumulate in a backend-specific order (the reference in double).
 *
 * <p>Public methods validate their arguments and throw {@link IllegalArgumentException} naming the
 * parameter; implementations only assert. Outputs are written, never accumulated into (except by
 * {@link #accumulate} and {@link #axpy}, whose point it is). An output may be the very same tensor
 * as an input of its shape; partial overlap is rejected.
 */
public abstract class ElementwiseKernels {

  protected ElementwiseKernels() {}

  /**
   * The shape of {@code a op b}.
   *
   * @throws IllegalArgumentException naming both tensors when their shapes do not broadcast
   */
  public static int[] broadcastShape(Tensor a, Tensor b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.sameShape(b)) {
      return a.shape();
    }
    String mismatch = Broadcasting.mismatch(a.shape(), b.shape());
    if (mismatch != null) {
      throw new IllegalArgumentException(
          "a: " + a.describe() + " and b: " + b.describe() + " do not broadcast: " + mismatch);
    }
    return Broadcasting.shape(a.shape(), b.shape());
  }

  /**
   * {@code out = a op b} with broadcasting.
   *
   * @param out the broadcast shape of a and b; may be {@code a} or {@code b} itself when that
   *     operand already has the output shape
   */
  public final void forward(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    Objects.requireNonNull(op, "op");
    requireFloat("a", a);
    requireFloat("b", b);
    requireFloat("out", out);
    requireBroadcastShape("out", out, a, b);
    requireSameOrDisjoint("out", out, "a", a);
    requireSameOrDisjoint("out", out, "b", b);
    forwardKernel(op, a, b, out);
  }

  /** {@code out = a + b}, broadcasting; see {@link #forward}. */
  public final void add(Tensor a, Tensor b, Tensor out) {
    forward(BinaryOp.ADD, a, b, out);
  }

  /** {@code out = a - b}, broadcasting; see {@link #forward}. */
  public final void sub(Tensor a, Tensor b, Tensor out) {
    forward(BinaryOp.SUB, a, b, out);
  }

  /** {@code out = a * b}, broadcasting; see {@link #forward}. */
  public final void mul(Tensor a, Tensor b, Tensor out) {
    forward(BinaryOp.MUL, a, b, out);
  }

  /** {@code out = a / b}, broadcasting; see {@link #forward}. */
  public final void div(Tensor a, Tensor b, Tensor out) {
    forward(BinaryOp.DIV, a, b, out);
  }

  /**
   * Gradients of {@code y = a op b}: {@code da = reduce_a(dy * dy/da)} and {@code db =
   * reduce_b(dy * dy/db)}, where reduce sums over the dimensions along which that operand was
   * broadcast, giving it back its own shape. The partial derivatives are 1 and 1 (add), 1 and -1
   * (sub), b and a (mul), 1/b and -a/b^2 (div).
   *
   * @param a the forward left operand (its values are read for mul and div)
   * @param b the forward right operand (its values are read for mul and div)
   * @param dy gradient with respect to the output, of the broadcast shape
   * @param da gradient with respect to a (written), the shape of a, or null if not needed; may be
   *     {@code dy} itself when a has the output shape
   * @param db gradient with respect to b (written), the shape of b, or null; may be {@code dy}
   */
  public final void backward(BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
    Objects.requireNonNull(op, "op");
    requireFloat("a", a);
    requireFloat("b", b);
    requireFloat("dy", dy);
    requireBroadcastShape("dy", dy, a, b);
    if (da != null) {
      requireFloat("da", da);
      requireSameShape("da", da, "a", a);
      requireDisjoint("da", da, "a", a);
      requireDisjoint("da", da, "b", b);
      requireSameOrDisjoint("da", da, "dy", dy);
    }
    if (db != null) {
      requireFloat("db", db);
      requireSameShape("db", db, "b", b);
      requireDisjoint("db", db, "a", a);
      requireDisjoint("db", db, "b", b);
      requireSameOrDisjoint("db", db, "dy", dy);
    }
    if (da != null && db != null) {
      requireDisjoint("db", db, "da", da);
    }
    backwardKernel(op, a, b, dy, da, db);
  }

  /**
   * {@code out = x op s} for a scalar {@code s}. Its gradient needs no kernel of its own: {@code
   * dx = dy} for add and sub, {@code scalar(MUL, dy, s, dx)} for mul and {@code scalar(DIV, dy, s,
   * dx)} for div.
   *
   * @param out the shape of x; may be {@code x} itself
   */
  public final void scalar(BinaryOp op, Tensor x, float s, Tensor out) {
    Objects.requireNonNull(op, "op");
    requireFloat("x", x);
    requireFloat("out", out);
    requireSameShape("out", out, "x", x);
    requireSameOrDisjoint("out", out, "x", x);
    scalarKernel(op, x, s, out);
  }

  /** {@code y += x} element-wise, for example to sum gradients from several consumers. */
  public final void accumulate(Tensor x, Tensor y) {
    axpy(1f, x, y);
  }

  /**
   * {@code y += alpha * x} element-wise (BLAS axpy), computed as one fused multiply-add per
   * element.
   *
   * @param y the shape of x; read and written; may be {@code x} itself
   */
  public final void axpy(float alpha, Tensor x, Tensor y) {
    requireFloat("x", x);
    requireFloat("y", y);
    requireSameShape("y", y, "x", x);
    requireSameOrDisjoint("y", y, "x", x);
    axpyKernel(alpha, x, y);
  }

  /**
   * Runs {@code target}'s implementation without checking the arguments again, for a backend
   * whose public method has already checked them and hands the call to another backend (the
   * native backend's small calls): a second check cost 10-15 ns of a 64-element call.
   */
  protected static void forwardUnchecked(ElementwiseKernels target, BinaryOp op, Tensor a,
      Tensor b, Tensor out) {
    target.forwardKernel(op, a, b, out);
  }

  /** Writes {@code out = a op b}; arguments are valid and {@code out} has the broadcast shape. */
  protected abstract void forwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor out);

  /**
   * Writes the gradients; {@code da} or {@code db} may be null. Either may alias {@code dy}
   * exactly, so an implementation computes the one that does not alias it first.
   */
  protected abstract void backwardKernel(
      BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db);

  /** Writes {@code out = x op s}. */
  protected abstract void scalarKernel(BinaryOp op, Tensor x, float s, Tensor out);

  /** {@code y = fma(alpha, x, y)} element-wise. */
  protected abstract void axpyKernel(float alpha, Tensor x, Tensor y);
}
