package dev.harmonics.backend.cuda;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.Pool2dParams;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The structs kernels take by value, laid out as {@code harmonics_cuda.cuh}, {@code pool.cu} and
 * {@code conv.cu} declare them (x86-64 and CUDA agree on C struct layout).
 */
final class KernelStructs {

  /** {@code HX_MAX_RANK}. */
  static final int MAX_RANK = 8;
  /** {@code sizeof(HxGeometry)}: three arrays of 8 {@code long long}, an int, padding to 8. */
  static final int GEOMETRY_BYTES = 3 * MAX_RANK * 8 + 8;

  private KernelStructs() {}

  /**
   * {@code HxGeometry}: a shape and two per-dimension arrays (strides, or whatever the kernel
   * documents), right-aligned to the shape's rank when shorter.
   *
   * @throws IllegalArgumentException if the rank exceeds {@link #MAX_RANK}
   */
  static MemorySegment geometry(int[] shape, long[] first, long[] second) {
    if (shape.length > MAX_RANK) {
      throw new IllegalArgumentException("rank " + shape.length + " (the CUDA backend supports"
          + " tensors of rank <= " + MAX_RANK + ")");
    }
    MemorySegment g = MemorySegment.ofArray(new long[GEOMETRY_BYTES / 8]);
    for (int d = 0; d < shape.length; d++) {
      g.setAtIndex(ValueLayout.JAVA_LONG, d, shape[d]);
      g.setAtIndex(ValueLayout.JAVA_LONG, MAX_RANK + d, first == null ? 0 : first[d]);
      g.setAtIndex(ValueLayout.JAVA_LONG, 2 * MAX_RANK + d, second == null ? 0 : second[d]);
    }
    g.set(ValueLayout.JAVA_INT, 3L * MAX_RANK * 8, shape.length);
    return g;
  }

  /** {@code HxWindow}: kernel, stride, padding, dilation (rows then columns), count-include-pad. */
  static MemorySegment window(Pool2dParams p) {
    return ints(p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
        p.dilationH(), p.dilationW(), p.countIncludePad() ? 1 : 0);
  }

  /** {@code HxConv} for input {@code [n, c, h, w]}, output {@code [n, o, oh, ow]}. */
  static MemorySegment conv(int[] input, int[] output, int kh, int kw, Conv2dParams p) {
    return ints(input[0], input[1], input[2], input[3], output[1], output[2], output[3], kh, kw,
        p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), p.groups());
  }

  private static MemorySegment ints(int... values) {
    return MemorySegment.ofArray(values.clone());
  }

  /** Widens int dimensions to longs. */
  static long[] longs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
