package dev.harmonics.kernel.simd;

/**
 * The windows of a pooling along one spatial axis. Output {@code o} reads taps {@code [first[o],
 * end[o])} of the window (the ones inside the input) at input positions {@code start(o) + k *
 * dilation}; {@code padded[o]} counts its taps inside the padded input. Outputs in {@code
 * [interiorFrom, interiorTo)} have every tap inside the input, which is what lets the vector loops
 * run without bounds tests.
 */
final class PoolAxis {

  final int stride;
  final int pad;
  final int dilation;
  final int kernel;
  final int[] first;
  final int[] end;
  final int[] padded;
  final int interiorFrom;
  final int interiorTo;

  PoolAxis(int input, int output, int kernel, int stride, int pad, int dilation) {
    this.stride = stride;
    this.pad = pad;
    this.dilation = dilation;
    this.kernel = kernel;
    first = new int[output];
    end = new int[output];
    padded = new int[output];
    int from = output;
    int to = 0;
    for (int o = 0; o < output; o++) {
      int start = o * stride - pad;
      first[o] = firstTapAtOrAfter(start, 0, kernel, dilation);
      end[o] = firstTapAtOrAfter(start, input, kernel, dilation);
      padded[o] = firstTapAtOrAfter(start, input + pad, kernel, dilation)
          - firstTapAtOrAfter(start, -pad, kernel, dilation);
      if (first[o] == 0 && end[o] == kernel) {
        from = Math.min(from, o);
        to = Math.max(to, o + 1);
      }
    }
    interiorFrom = from;
    interiorTo = Math.max(from, to);
  }

  /** Input position of tap 0 of output {@code o}. */
  int start(int o) {
    return o * stride - pad;
  }

  /** The smallest tap {@code k} whose position {@code start + k * dilation} is {@code >= bound}. */
  private static int firstTapAtOrAfter(int start, int bound, int kernel, int dilation) {
    if (start >= bound) {
      return 0;
    }
    return Math.min(kernel, Math.ceilDiv(bound - start, dilation));
  }
}
