package dev.harmonics.kernel.reference;

/** Maps a row-major position in an iteration shape to an element offset of a strided operand. */
final class BroadcastIndex {

  private BroadcastIndex() {}

  /** Offset of position {@code flat} of {@code shape} for an operand with {@code strides}. */
  static long offset(long flat, int[] shape, long[] strides) {
    long offset = 0;
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      offset += (rest % shape[d]) * strides[d];
      rest /= shape[d];
    }
    return offset;
  }
}
