package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Plain-Java layout kernels: one element at a time through coordinates, the ground truth in tests.
 * Elements move as raw bits (4-byte types through {@code int}), so NaN payloads survive.
 */
final class ReferenceLayout extends LayoutKernels {

  @Override
  protected void copyImpl(Tensor src, Tensor dst) {
    for (int i = 0, n = dst.size(); i < n; i++) {
      moveElement(src, src.elementOffset(i), dst, i);
    }
  }

  @Override
  protected void padImpl(Tensor x, int[] before, int[] after, PadMode mode, float value,
      Tensor y) {
    int[] xShape = x.shape();
    int[] yShape = y.shape();
    int[] coords = new int[yShape.length];
    for (int o = 0, n = y.size(); o < n; o++) {
      coordinates(o, yShape, coords);
      long source = sourceFlat(coords, xShape, before, mode);
      if (source < 0) {
        writeConstant(y, o, value);
      } else {
        moveElement(x, x.offset() + source, y, o);
      }
    }
  }

  @Override
  protected void padBackwardImpl(Tensor dy, int[] before, int[] after, PadMode mode, Tensor dx) {
    int[] xShape = dx.shape();
    int[] yShape = dy.shape();
    int[] coords = new int[yShape.length];
    double[] sums = new double[dx.size()];
    MemorySegment g = dy.storage();
    for (int o = 0, n = dy.size(); o < n; o++) {
      coordinates(o, yShape, coords);
      long source = sourceFlat(coords, xShape, before, mode);
      if (source >= 0) {
        sums[(int) source] += g.getAtIndex(ValueLayout.JAVA_FLOAT, dy.offset() + o);
      }
    }
    MemorySegment out = dx.storage();
    for (int i = 0; i < sums.length; i++) {
      out.setAtIndex(ValueLayout.JAVA_FLOAT, dx.offset() + i, (float) sums[i]);
    }
  }

  @Override
  protected void concatImpl(List<Tensor> inputs, int axis, Tensor y) {
    int start = 0;
    for (Tensor part : inputs) {
      forEachPartElement(part, axis, start, y, true);
      start += part.dim(axis);
    }
  }

  @Override
  protected void splitImpl(Tensor y, int axis, List<Tensor> outputs) {
    int start = 0;
    for (Tensor part : outputs) {
      forEachPartElement(part, axis, start, y, false);
      start += part.dim(axis);
    }
  }

  /** Moves every element of {@code part} to or from its place in {@code whole}. */
  private static void forEachPartElement(Tensor part, int axis, int start, Tensor whole,
      boolean intoWhole) {
    int[] partShape = part.shape();
    int[] wholeShape = whole.shape();
    int[] coords = new int[partShape.length];
    for (int i = 0, n = part.size(); i < n; i++) {
      coordinates(i, partShape, coords);
      coords[axis] += start;
      long w = flatIndex(coords, wholeShape);
      if (intoWhole) {
        moveElement(part, part.offset() + i, whole, w);
      } else {
        moveElement(whole, whole.offset() + w, part, i);
      }
    }
  }

  /** Row-major index into {@code xShape} of what padded coordinates read, or -1 for a constant. */
  private static long sourceFlat(int[] coords, int[] xShape, int[] before, PadMode mode) {
    long flat = 0;
    for (int d = 0; d < coords.length; d++) {
      int i = mode.sourceIndex(coords[d], before[d], xShape[d]);
      if (i < 0) {
        return -1;
      }
      flat = flat * xShape[d] + i;
    }
    return flat;
  }

  private static void coordinates(long flat, int[] shape, int[] coords) {
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      coords[d] = (int) (rest % shape[d]);
      rest /= shape[d];
    }
  }

  private static long flatIndex(int[] coords, int[] shape) {
    long flat = 0;
    for (int d = 0; d < coords.length; d++) {
      flat = flat * shape[d] + coords[d];
    }
    return flat;
  }

  /** Copies the element at storage index {@code from} of {@code a} to row-major {@code to} of b. */
  private static void moveElement(Tensor a, long from, Tensor b, long to) {
    long target = b.offset() + to;
    if (a.dtype() == DType.INT8) {
      b.storage().set(ValueLayout.JAVA_BYTE, target, a.storage().get(ValueLayout.JAVA_BYTE, from));
    } else {
      b.storage().setAtIndex(ValueLayout.JAVA_INT, target,
          a.storage().getAtIndex(ValueLayout.JAVA_INT, from));
    }
  }

  private static void writeConstant(Tensor y, long index, float value) {
    long target = y.offset() + index;
    switch (y.dtype()) {
      case FLOAT32 -> y.storage().setAtIndex(ValueLayout.JAVA_FLOAT, target, value);
      case INT32 -> y.storage().setAtIndex(ValueLayout.JAVA_INT, target, (int) value);
      case INT8 -> y.storage().set(ValueLayout.JAVA_BYTE, target, (byte) value);
    }
  }
}
