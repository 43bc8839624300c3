package dev.harmonics.kernel.simd;

/**
 * Walks the coordinates of a shape in row-major order, keeping two element offsets that follow two
 * stride vectors (typically a source view and a destination), so a loop over the outer dimensions
 * of a tensor advances with additions instead of a division per dimension.
 */
final class Odometer {

  private final int[] sizes;
  private final long[] stridesA;
  private final long[] stridesB;
  private final int[] coords;
  private long offsetA;
  private long offsetB;

  /** Starts at row-major position {@code start}; offsets are {@code baseA}/{@code baseB} there. */
  Odometer(int[] sizes, long[] stridesA, long[] stridesB, long start, long baseA, long baseB) {
    this.sizes = sizes;
    this.stridesA = stridesA;
    this.stridesB = stridesB;
    this.coords = new int[sizes.length];
    long rest = start;
    long a = baseA;
    long b = baseB;
    for (int d = sizes.length - 1; d >= 0; d--) {
      int c = (int) (rest % sizes[d]);
      rest /= sizes[d];
      coords[d] = c;
      a += c * stridesA[d];
      b += c * stridesB[d];
    }
    offsetA = a;
    offsetB = b;
  }

  long offsetA() {
    return offsetA;
  }

  long offsetB() {
    return offsetB;
  }

  /** Moves to the next position; wraps to the start after the last one. */
  void next() {
    for (int d = sizes.length - 1; d >= 0; d--) {
      offsetA += stridesA[d];
      offsetB += stridesB[d];
      if (++coords[d] < sizes[d]) {
        return;
      }
      offsetA -= stridesA[d] * sizes[d];
      offsetB -= stridesB[d] * sizes[d];
      coords[d] = 0;
    }
  }
}
