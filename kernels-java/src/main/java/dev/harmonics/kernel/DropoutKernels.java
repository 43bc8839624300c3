package dev.harmonics.kernel;

import dev.harmonics.kernel.random.Philox4x32;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Inverted dropout with a counter-based random mask.
 *
 * <p><b>Semantics.</b> Each element is kept with probability {@code 1 - p} and dropped otherwise;
 * {@code y = x * m * scale} with {@code m} in {0, 1} and {@code scale = 1 / (1 - p)} rounded to
 * float ({@link #keepScale}), so the expected value of {@code y} is {@code x}. It is computed as
 * {@code x * (kept ? scale : 0)}: as in PyTorch, a dropped NaN or infinity gives NaN rather than
 * hiding a bad input behind a zero. {@code p = 0} is the identity and {@code p = 1} drops
 * everything ({@code y = x * 0}).
 *
 * <p><b>Which elements are dropped.</b> The decision for element {@code i} (its row-major index)
 * depends only on {@code (seed, offset, i)}, so it is identical across backends, thread counts,
 * vector widths and chunking, and the backward pass can regenerate the mask instead of storing it.
 * Elements are taken in groups of 64: element {@code i} uses word {@code w = (i mod 64) / 16} of
 * Philox-4x32-10 block {@code b = 16 * (i / 64) + i mod 16}, whose counter is {@code (b mod 2^32,
 * b / 2^32, offset mod 2^32, offset / 2^32)} under the key {@code (seed mod 2^32, seed / 2^32)}
 * ({@link #randomBits}). Sixteen consecutive blocks thus feed sixteen consecutive elements word by
 * word, so a vector of up to 16 lanes computes 16 blocks at once and stores its results without
 * shuffling. The element is dropped when those 32 bits, read unsigned, are below
 * {@link #dropThreshold}{@code (p) = floor(p * 2^32)}. Use a fresh {@code offset} (or seed) for
 * every dropout call that must be independent, for example the step number times the number of
 * dropout layers plus the layer index.
 *
 * <p>The public methods validate every argument and throw {@link IllegalArgumentException} naming
 * the parameter; the protected methods do the work and only assert. {@code y} may be {@code x}
 * itself (an in-place update) but must not partly overlap it.
 */
public abstract class DropoutKernels {

  protected DropoutKernels() {}

  /**
   * Applies dropout: {@code y = x * (kept ? 1 / (1 - p) : 0)} element-wise, and optionally records
   * which elements were kept.
   *
   * @param x float32, contiguous, any shape
   * @param p the drop probability, in {@code [0, 1]}
   * @param seed the generator key; any value
   * @param offset selects an independent stream under the same seed; any value
   * @param y float32, contiguous, the shape of {@code x} (may be {@code x} itself)
   * @param mask null, or int8, contiguous, the shape of {@code x}: receives 1 where an element was
   *     kept and 0 where it was dropped
   */
  public final void forward(Tensor x, float p, long seed, long offset, Tensor y, Tensor mask) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    TensorChecks.requireFloat("x", x);
    checkP(p);
    requireLike(y, "y", DType.FLOAT32, x, "x");
    MemoryOverlap.requireDisjointOrSame(x, "x", y, "y");
    if (mask != null) {
      requireLike(mask, "mask", DType.INT8, x, "x");
      MemoryOverlap.requireDisjoint(x, "x", mask, "mask");
      MemoryOverlap.requireDisjoint(y, "y", mask, "mask");
    }
    if (x.size() > 0) {
      forwardImpl(x, p, seed, offset, y, mask);
    }
  }

  /**
   * The gradient of {@link #forward} from a recorded mask: {@code dx = dy * (mask != 0 ? 1 / (1 -
   * p) : 0)}.
   *
   * @param dy float32, contiguous, the shape of the forward input
   * @param mask int8, contiguous, the shape of {@code dy}, as {@link #forward} wrote it (any
   *     nonzero byte counts as kept)
   * @param p the drop probability the forward pass used, in {@code [0, 1]}
   * @param dx float32, contiguous, the shape of {@code dy} (may be {@code dy} itself)
   */
  public final void backward(Tensor dy, Tensor mask, float p, Tensor dx) {
    Objects.requireNonNull(dy, "dy");
    Objects.requireNonNull(mask, "mask");
    Objects.requireNonNull(dx, "dx");
    TensorChecks.requireFloat("dy", dy);
    checkP(p);
    requireLike(mask, "mask", DType.INT8, dy, "dy");
    requireLike(dx, "dx", DType.FLOAT32, dy, "dy");
    MemoryOverlap.requireDisjointOrSame(dy, "dy", dx, "dx");
    MemoryOverlap.requireDisjoint(mask, "mask", dx, "dx");
    if (dy.size() > 0) {
      backwardImpl(dy, mask, p, dx);
    }
  }

  /**
   * The gradient of {@link #forward} with the mask regenerated from the same {@code (seed, offset)}
   * instead of stored: {@code dx = dy * (kept ? 1 / (1 - p) : 0)}. This saves the mask's memory at
   * the cost of recomputing the random bits.
   *
   * @param dy float32, contiguous, the shape of the forward input
   * @param seed the seed the forward pass used
   * @param offset the offset the forward pass used
   * @param p the drop probability the forward pass used, in {@code [0, 1]}
   * @param dx float32, contiguous, the shape of {@code dy} (may be {@code dy} itself)
   */
  public final void backward(Tensor dy, long seed, long offset, float p, Tensor dx) {
    Objects.requireNonNull(dy, "dy");
    Objects.requireNonNull(dx, "dx");
    TensorChecks.requireFloat("dy", dy);
    checkP(p);
    requireLike(dx, "dx", DType.FLOAT32, dy, "dy");
    MemoryOverlap.requireDisjointOrSame(dy, "dy", dx, "dx");
    if (dy.size() > 0) {
      forwardImpl(dy, p, seed, offset, dx, null);
    }
  }

  /**
   * The 32 random bits that decide element {@code index} under {@code (seed, offset)}: the word of
   * the Philox-4x32-10 block described in the class comment. Every backend must reproduce these.
   */
  public static int randomBits(long seed, long offset, long index) {
    long block = 16 * (index >>> 6) + (index & 15);
    int word = (int) ((index >>> 4) & 3);
    int[] out = new int[4];
    Philox4x32.block((int) block, (int) (block >>> 32), (int) offset, (int) (offset >>> 32),
        (int) seed, (int) (seed >>> 32), out);
    return out[word];
  }

  /**
   * Elements whose random bits, read as an unsigned number, are below this are dropped:
   * {@code floor(p * 2^32)}, so an element is dropped with probability {@code p} to within
   * {@code 2^-32}. {@code p = 1} gives {@code 2^32}, which drops everything.
   */
  public static long dropThreshold(float p) {
    return (long) Math.floor((double) p * 0x1p32);
  }

  /** The factor kept elements are multiplied by: {@code 1 / (1 - p)} rounded to float. */
  public static float keepScale(float p) {
    return (float) (1.0 / (1.0 - p));
  }

  /** {@link #forward} after validation; {@code mask} may be null; size > 0. */
  protected abstract void forwardImpl(Tensor x, float p, long seed, long offset, Tensor y,
      Tensor mask);

  /** {@link #backward(Tensor, Tensor, float, Tensor)} after validation; size > 0. */
  protected abstract void backwardImpl(Tensor dy, Tensor mask, float p, Tensor dx);

  private static void checkP(float p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("p: " + p + " (expected: a drop probability in [0, 1])");
    }
  }

  private static void requireLike(Tensor t, String name, DType dtype, Tensor like,
      String likeName) {
    if (t.dtype() != dtype || !t.sameShape(like)) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + dtype.name().toLowerCase(Locale.ROOT) + Arrays.toString(like.shape())
          + " to match " + likeName + ": " + like.describe() + ")");
    }
    if (!t.isContiguous()) {
      throw new IllegalArgumentException(name + ": " + t.describe()
          + " (expected: a contiguous tensor; call contiguous() first)");
    }
  }
}
