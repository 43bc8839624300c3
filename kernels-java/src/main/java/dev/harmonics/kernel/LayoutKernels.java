package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Data-movement kernels: materialising strided views (transpose, permute), padding, concatenation
 * and its inverse. {@link Tensor} makes views without copying; these kernels do the copying.
 *
 * <p>The public methods validate every argument and throw {@link IllegalArgumentException} naming
 * the parameter, what it got and what was expected; the protected methods do the work and only
 * assert. Outputs are allocated by the caller and must not overlap the inputs in memory.
 *
 * <p>{@link #copy}, {@link #concat}, {@link #split} and {@link #pad} move raw elements, so they
 * accept float32, int32 and int8 tensors and reproduce every bit (NaN payloads included);
 * {@link #padBackward} sums gradients and is float32 only.
 */
public abstract class LayoutKernels {

  protected LayoutKernels() {}

  /**
   * Copies {@code src}, which may be any strided view (for example {@code x.transpose(0, 1)} or
   * {@code x.permute(0, 2, 3, 1)}), into the contiguous tensor {@code dst} of the same dtype and
   * shape, in row-major order. This is how a transpose or permute is materialised.
   *
   * @param src any tensor, contiguous or a strided view
   * @param dst a contiguous tensor with {@code src}'s dtype and shape, not overlapping it
   */
  public final void copy(Tensor src, Tensor dst) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    if (dst.dtype() != src.dtype() || !dst.sameShape(src)) {
      throw new IllegalArgumentException("dst: " + dst.describe() + " (expected: "
          + typeAndShape(src.dtype(), src.shape()) + " to match src: " + src.describe() + ")");
    }
    requireContiguous(dst, "dst");
    MemoryOverlap.requireDisjoint(src, "src", dst, "dst");
    if (dst.size() > 0) {
      copyImpl(src, dst);
    }
  }

  /**
   * Pads {@code x} on every dimension: {@code y} has shape {@code x.shape[d] + before[d] +
   * after[d]}, holds {@code x} at offset {@code before} and fills the rest according to {@code
   * mode} (see {@link PadMode}). A pad of 0 leaves a dimension alone.
   *
   * @param x the contiguous input, any rank, float32, int32 or int8
   * @param before elements added before each dimension, one entry per dimension, each {@code >= 0}
   * @param after elements added after each dimension, one entry per dimension, each {@code >= 0}
   * @param mode how the new positions are filled; {@link PadMode#REFLECT} needs {@code before[d]}
   *     and {@code after[d]} smaller than {@code x.shape[d]}, {@link PadMode#EDGE} a non-empty
   *     dimension wherever it pads
   * @param value the fill for {@link PadMode#CONSTANT} (ignored otherwise); for an integer tensor
   *     it must be a whole number the dtype can hold
   * @param y the contiguous output with the padded shape and {@code x}'s dtype
   */
  public final void pad(Tensor x, int[] before, int[] after, PadMode mode, float value, Tensor y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    Objects.requireNonNull(mode, "mode");
    requireContiguous(x, "x");
    checkPads(x, "x", before, after, mode);
    int[] padded = paddedShape(x.shape(), before, after);
    if (y.dtype() != x.dtype() || !y.hasShape(padded)) {
      throw new IllegalArgumentException("y: " + y.describe() + " (expected: "
          + typeAndShape(x.dtype(), padded) + " for x: " + x.describe() + " padded by "
          + Arrays.toString(before) + " before and " + Arrays.toString(after) + " after)");
    }
    requireContiguous(y, "y");
    if (mode == PadMode.CONSTANT && x.dtype() != DType.FLOAT32) {
      checkIntegerFill(value, x.dtype());
    }
    MemoryOverlap.requireDisjoint(x, "x", y, "y");
    if (y.size() > 0) {
      padImpl(x, before.clone(), after.clone(), mode, value, y);
    }
  }

  /**
   * The gradient of {@link #pad}: writes {@code dx} from the gradient {@code dy} of the padded
   * output. Each element of {@code dx} receives the sum of {@code dy} over every padded position
   * that read it, so with {@link PadMode#REFLECT} and {@link PadMode#EDGE} the border positions
   * collect the gradient of their mirrors and copies; constant positions contribute nothing.
   *
   * @param dy float32, contiguous, with the padded shape
   * @param before the pads {@link #pad} used before each dimension
   * @param after the pads {@link #pad} used after each dimension
   * @param mode the mode {@link #pad} used
   * @param dx float32, contiguous, with the unpadded shape; overwritten
   */
  public final void padBackward(Tensor dy, int[] before, int[] after, PadMode mode, Tensor dx) {
    Objects.requireNonNull(dy, "dy");
    Objects.requireNonNull(dx, "dx");
    Objects.requireNonNull(mode, "mode");
    requireFloat(dx, "dx");
    requireContiguous(dx, "dx");
    checkPads(dx, "dx", before, after, mode);
    int[] padded = paddedShape(dx.shape(), before, after);
    if (dy.dtype() != DType.FLOAT32 || !dy.hasShape(padded)) {
      throw new IllegalArgumentException("dy: " + dy.describe() + " (expected: "
          + typeAndShape(DType.FLOAT32, padded) + " for dx: " + dx.describe() + " padded by "
          + Arrays.toString(before) + " before and " + Arrays.toString(after) + " after)");
    }
    requireContiguous(dy, "dy");
    MemoryOverlap.requireDisjoint(dy, "dy", dx, "dx");
    if (dx.size() > 0) {
      padBackwardImpl(dy, before.clone(), after.clone(), mode, dx);
    }
  }

  /**
   * Joins {@code inputs} along {@code axis}: {@code y} holds them one after another along that
   * dimension, in list order. Every input has {@code y}'s dtype and rank and agrees with it on
   * every other dimension; the sizes along {@code axis} add up to {@code y}'s. Inputs may be empty
   * along {@code axis}.
   *
   * @param inputs one or more contiguous tensors
   * @param axis the dimension to join along; negative counts from the end
   * @param y the contiguous output, not overlapping any input
   */
  public final void concat(List<Tensor> inputs, int axis, Tensor y) {
    Objects.requireNonNull(y, "y");
    int a = checkParts(inputs, "inputs", axis, y, "y");
    if (y.size() > 0) {
      concatImpl(List.copyOf(inputs), a, y);
    }
  }

  /**
   * The inverse of {@link #concat} and its gradient: copies consecutive slices of {@code y} along
   * {@code axis} into {@code outputs}, in list order. The shapes obey the same rules as for
   * {@link #concat}.
   *
   * @param y the contiguous tensor to cut
   * @param axis the dimension to cut along; negative counts from the end
   * @param outputs one or more contiguous tensors, not overlapping {@code y} or each other
   */
  public final void split(Tensor y, int axis, List<Tensor> outputs) {
    Objects.requireNonNull(y, "y");
    int a = checkParts(outputs, "outputs", axis, y, "y");
    for (int i = 0; i < outputs.size(); i++) {
      for (int j = i + 1; j < outputs.size(); j++) {
        MemoryOverlap.requireDisjoint(outputs.get(i), "outputs[" + i + "]", outputs.get(j),
            "outputs[" + j + "]");
      }
    }
    if (y.size() > 0) {
      splitImpl(y, a, List.copyOf(outputs));
    }
  }

  /**
   * Collapses dimensions {@code fromDim..rank-1} of {@code x} into one, as a view that shares
   * {@code x}'s memory: no data moves, so this is a shape change, not a kernel. It is here so
   * layout code reads as one vocabulary; it is exactly {@link Tensor#flatten(int)}. A strided view
   * cannot be flattened without a copy: {@link #copy} it into a contiguous tensor first.
   *
   * @param x a contiguous tensor
   * @param fromDim the first dimension to collapse; negative counts from the end
   * @return a view of shape {@code [x.shape[0], ..., x.shape[fromDim-1], product of the rest]}
   */
  public final Tensor flatten(Tensor x, int fromDim) {
    Objects.requireNonNull(x, "x");
    requireContiguous(x, "x");
    if (fromDim < -x.rank() || fromDim >= x.rank()) {
      throw new IllegalArgumentException("fromDim: " + fromDim + " (expected: -" + x.rank()
          + " <= fromDim < " + x.rank() + " for x: " + x.describe() + ")");
    }
    return x.flatten(fromDim);
  }

  /** Copies a strided view into a contiguous tensor of the same dtype and shape; size > 0. */
  protected abstract void copyImpl(Tensor src, Tensor dst);

  /** {@link #pad} after validation; {@code y.size() > 0}. */
  protected abstract void padImpl(Tensor x, int[] before, int[] after, PadMode mode, float value,
      Tensor y);

  /** {@link #padBackward} after validation; {@code dx.size() > 0}. */
  protected abstract void padBackwardImpl(Tensor dy, int[] before, int[] after, PadMode mode,
      Tensor dx);

  /** {@link #concat} after validation, with {@code axis} normalised; {@code y.size() > 0}. */
  protected abstract void concatImpl(List<Tensor> inputs, int axis, Tensor y);

  /** {@link #split} after validation, with {@code axis} normalised; {@code y.size() > 0}. */
  protected abstract void splitImpl(Tensor y, int axis, List<Tensor> outputs);

  private static int checkParts(List<Tensor> parts, String name, int axis, Tensor y,
      String yName) {
    Objects.requireNonNull(parts, name);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(name + ": an empty list (expected: at least one tensor)");
    }
    requireContiguous(y, yName);
    int rank = y.rank();
    if (rank == 0 || axis < -rank || axis >= rank) {
      throw new IllegalArgumentException("axis: " + axis + " (expected: -" + rank + " <= axis < "
          + rank + " for " + yName + ": " + y.describe() + ")");
    }
    int a = axis < 0 ? axis + rank : axis;
    long total = 0;
    for (int i = 0; i < parts.size(); i++) {
      Tensor t = Objects.requireNonNull(parts.get(i), name + "[" + i + "]");
      String what = name + "[" + i + "]";
      boolean matches = t.dtype() == y.dtype() && t.rank() == rank;
      for (int d = 0; matches && d < rank; d++) {
        matches = d == a || t.dim(d) == y.dim(d);
      }
      if (!matches) {
        int[] expected = y.shape();
        expected[a] = -1;
        throw new IllegalArgumentException(what + ": " + t.describe() + " (expected: "
            + typeAndShape(y.dtype(), expected).replace("-1", "any")
            + " to match " + yName + ": " + y.describe() + " off axis " + a + ")");
      }
      requireContiguous(t, what);
      MemoryOverlap.requireDisjoint(t, what, y, yName);
      total += t.dim(a);
    }
    if (total != y.dim(a)) {
      throw new IllegalArgumentException(name + ": sizes along axis " + a + " add up to " + total
          + " (expected: " + y.dim(a) + " to match " + yName + ": " + y.describe() + ")");
    }
    return a;
  }

  private static void checkPads(Tensor x, String name, int[] before, int[] after, PadMode mode) {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    int rank = x.rank();
    if (before.length != rank || after.length != rank) {
      throw new IllegalArgumentException("before: " + Arrays.toString(before) + ", after: "
          + Arrays.toString(after) + " (expected: " + rank + " entries each, one per dimension of "
          + name + ": " + x.describe() + ")");
    }
    for (int d = 0; d < rank; d++) {
      if (before[d] < 0 || after[d] < 0) {
        throw new IllegalArgumentException("before: " + Arrays.toString(before) + ", after: "
            + Arrays.toString(after) + " (expected: pads >= 0)");
      }
      int n = x.dim(d);
      boolean padded = before[d] > 0 || after[d] > 0;
      if (mode == PadMode.REFLECT && padded && (before[d] >= n || after[d] >= n)) {
        throw new IllegalArgumentException("before: " + Arrays.toString(before) + ", after: "
            + Arrays.toString(after) + " (expected: REFLECT pads smaller than the dimension they "
            + "pad, but dimension " + d + " of " + name + ": " + x.describe() + " has size " + n
            + ")");
      }
      if (mode == PadMode.EDGE && padded && n == 0) {
        throw new IllegalArgumentException("before: " + Arrays.toString(before) + ", after: "
            + Arrays.toString(after) + " (expected: no EDGE pad on dimension " + d + " of " + name
            + ": " + x.describe() + ", which is empty)");
      }
    }
  }

  private static int[] paddedShape(int[] shape, int[] before, int[] after) {
    int[] padded = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      padded[d] = Math.addExact(shape[d], Math.addExact(before[d], after[d]));
    }
    return padded;
  }

  /** An integer fill must survive the float-to-int conversion unchanged. */
  private static void checkIntegerFill(float value, DType dtype) {
    float lo = dtype == DType.INT8 ? Byte.MIN_VALUE : Integer.MIN_VALUE;
    float hi = dtype == DType.INT8 ? Byte.MAX_VALUE : Math.nextDown((float) Integer.MAX_VALUE);
    if (value != Math.rint(value) || value < lo || value > hi) {
      throw new IllegalArgumentException("value: " + value + " (expected: a whole number in ["
          + (long) lo + ", " + (long) hi + "] to fill a "
          + dtype.name().toLowerCase(Locale.ROOT) + " tensor)");
    }
  }

  private static void requireFloat(Tensor t, String name) {
    if (t.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: float32)");
    }
  }

  private static void requireContiguous(Tensor t, String name) {
    if (!t.isContiguous()) {
      throw new IllegalArgumentException(name + ": " + t.describe()
          + " (expected: a contiguous tensor; call contiguous() or LayoutKernels.copy first)");
    }
  }

  private static String typeAndShape(DType dtype, int[] shape) {
    return dtype.name().toLowerCase(Locale.ROOT) + Arrays.toString(shape);
  }
}
