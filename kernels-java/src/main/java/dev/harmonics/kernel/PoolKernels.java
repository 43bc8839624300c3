package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * 2-d max, average and global average pooling over NCHW float32 tensors, with their gradients.
 *
 * <p>All tensors are contiguous; outputs are passed in by the caller and overwritten (gradient
 * kernels included), and must not overlap inputs. The batch may be empty; every other dimension is
 * at least 1. Window geometry, padding and the average divisor are described by {@link
 * Pool2dParams}. Public methods validate their arguments and throw {@link
 * IllegalArgumentException} naming the argument; implementations only assert.
 *
 * <p>Max pooling propagates NaN: a window holding a NaN yields NaN, and its argmax is the first NaN
 * in the window. Otherwise the argmax is the first maximal element, windows scanned row by row; it
 * is stored as {@code ih * W + iw}, the offset within the input's {@code [H, W]} plane, like
 * PyTorch.
 */
public abstract class PoolKernels {

  protected PoolKernels() {}

  /**
   * Max pooling.
   *
   * @param x input {@code [N, C, H, W]}
   * @param params window geometry
   * @param y output {@code [N, C, OH, OW]}, {@code OH = params.outputHeight(H)}, {@code OW =
   *     params.outputWidth(W)}
   * @param indices int32 {@code [N, C, OH, OW]} that receives each window's argmax, or null
   */
  public final void maxPool2dForward(Tensor x, Pool2dParams params, Tensor y, Tensor indices) {
    requireParams(params);
    NchwChecks.requireNchw("x", x);
    NchwChecks.requireNchw("y", y);
    int[] shape = outputShape(x, params);
    NchwChecks.requireShape("y", y, shape, "for x: " + x.describe() + " and " + params);
    if (indices != null) {
      NchwChecks.require("indices", indices, DType.INT32, 4, "[N, C, OH, OW]", true);
      NchwChecks.requireShape("indices", indices, shape, "to match y: " + y.describe());
    }
    maxForward(x, params, y, indices);
  }

  /**
   * Gradient of max pooling: each {@code dy} element is added to the input position its window's
   * argmax names; every other {@code dx} element is zero.
   *
   * @param dy output gradient {@code [N, C, OH, OW]}
   * @param indices the int32 argmax indices {@link #maxPool2dForward} wrote, {@code [N, C, OH,
   *     OW]}, each in {@code [0, H * W)}
   * @param dx input gradient {@code [N, C, H, W]}, overwritten
   */
  public final void maxPool2dBackward(Tensor dy, Tensor indices, Tensor dx) {
    NchwChecks.requireNchw("dy", dy);
    NchwChecks.require("indices", indices, DType.INT32, 4, "[N, C, OH, OW]", true);
    NchwChecks.requireShape("indices", indices, dy.shape(), "to match dy: " + dy.describe());
    NchwChecks.requireNchw("dx", dx);
    if (dx.dim(0) != dy.dim(0) || dx.dim(1) != dy.dim(1)) {
      throw new IllegalArgumentException("dx: " + dx.describe() + " (expected: [" + dy.dim(0)
          + ", " + dy.dim(1) + ", H, W] to match dy: " + dy.describe() + ")");
    }
    long plane = (long) dx.dim(2) * dx.dim(3);
    MemorySegment idx = indices.data();
    for (long i = 0, n = indices.size(); i < n; i++) {
      int index = idx.getAtIndex(ValueLayout.JAVA_INT, i);
      if (index < 0 || index >= plane) {
        throw new IllegalArgumentException("indices: element " + i + " is " + index
            + " (expected: an offset in [0, " + plane + ") within the [H, W] plane of dx: "
            + dx.describe() + ")");
      }
    }
    maxBackward(dy, indices, dx);
  }

  /**
   * Average pooling; {@code params.countIncludePad()} decides whether padding taps count in the
   * divisor.
   *
   * @param x input {@code [N, C, H, W]}
   * @param params window geometry and divisor rule
   * @param y output {@code [N, C, OH, OW]}
   */
  public final void avgPool2dForward(Tensor x, Pool2dParams params, Tensor y) {
    requireParams(params);
    NchwChecks.requireNchw("x", x);
    NchwChecks.requireNchw("y", y);
    NchwChecks.requireShape("y", y, outputShape(x, params),
        "for x: " + x.describe() + " and " + params);
    avgForward(x, params, y);
  }

  /**
   * Gradient of average pooling: each {@code dy} element, divided by its window's divisor, is added
   * to every input position of its window.
   *
   * @param dy output gradient {@code [N, C, OH, OW]}
   * @param params the forward parameters
   * @param dx input gradient {@code [N, C, H, W]}, overwritten; its shape fixes {@code H, W}
   */
  public final void avgPool2dBackward(Tensor dy, Pool2dParams params, Tensor dx) {
    requireParams(params);
    NchwChecks.requireNchw("dx", dx);
    NchwChecks.requireNchw("dy", dy);
    NchwChecks.requireShape("dy", dy, outputShape(dx, params),
        "for dx: " + dx.describe() + " and " + params);
    avgBackward(dy, params, dx);
  }

  /**
   * Global average pooling: {@code y[n, c]} is the mean of the plane {@code x[n, c]}.
   *
   * @param x input {@code [N, C, H, W]}
   * @param y output {@code [N, C]}
   */
  public final void globalAvgPoolForward(Tensor x, Tensor y) {
    NchwChecks.requireNchw("x", x);
    NchwChecks.require("y", y, DType.FLOAT32, 2, "[N, C]", true);
    NchwChecks.requireShape("y", y, new int[] {x.dim(0), x.dim(1)},
        "to match x: " + x.describe());
    globalAvgForward(x, y);
  }

  /**
   * Gradient of global average pooling: {@code dx[n, c, h, w] = dy[n, c] / (H * W)}.
   *
   * @param dy output gradient {@code [N, C]}
   * @param dx input gradient {@code [N, C, H, W]}, overwritten
   */
  public final void globalAvgPoolBackward(Tensor dy, Tensor dx) {
    NchwChecks.requireNchw("dx", dx);
    NchwChecks.require("dy", dy, DType.FLOAT32, 2, "[N, C]", true);
    NchwChecks.requireShape("dy", dy, new int[] {dx.dim(0), dx.dim(1)},
        "to match dx: " + dx.describe());
    globalAvgBackward(dy, dx);
  }

  /** Max pooling; {@code indices} may be null. Shapes are checked. */
  protected abstract void maxForward(Tensor x, Pool2dParams params, Tensor y, Tensor indices);

  /** Max-pooling gradient; every index is within the {@code dx} plane. */
  protected abstract void maxBackward(Tensor dy, Tensor indices, Tensor dx);

  /** Average pooling. */
  protected abstract void avgForward(Tensor x, Pool2dParams params, Tensor y);

  /** Average-pooling gradient. */
  protected abstract void avgBackward(Tensor dy, Pool2dParams params, Tensor dx);

  /** Global average pooling. */
  protected abstract void globalAvgForward(Tensor x, Tensor y);

  /** Global average pooling gradient. */
  protected abstract void globalAvgBackward(Tensor dy, Tensor dx);

  private static void requireParams(Pool2dParams params) {
    if (params == null) {
      throw new IllegalArgumentException("params: null (expected: Pool2dParams)");
    }
  }

  private static int[] outputShape(Tensor input, Pool2dParams params) {
    return new int[] {input.dim(0), input.dim(1), params.outputHeight(input.dim(2)),
        params.outputWidth(input.dim(3))};
  }
}
