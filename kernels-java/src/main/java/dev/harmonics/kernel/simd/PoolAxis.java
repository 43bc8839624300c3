package dev.harmonics.kernel.simd;

/**
 * The windows of a pooling along one spatial axis. Output {@code o} reads taps {@code [first[o],
 * end[o])} of the window (the ones inside the input) at input positions {@code start(o) + k *
 * dilation}; {@code padded[o]} counts its taps inside the padded input.
 */
final class PoolAxis {

  final int stride;
  final int pad;
  final int dilation;
  final int[] first;
  final int[] end;
  final int[] padded;

  PoolAxis(int input, int output, int kernel, int stride, int pad, int dilation) {
    this.stride = stride;
    this.pad = pad;
    this.dilation = dilation;
    first = new int[output];
    end = new int[output];
    padded = new int[output];
    for (int o = 0; o < output; o++) {
      int start = o * stride - pad;
      first[o] = firstTapAtOrAfter(start, 0, kernel, dilation);
      end[o] = firstTapAtOrAfter(start, input, kernel, dilation);
      padded[o] = firstTapAtOrAfter(start, input + pad, kernel, dilation)
          - firstTapAtOrAfter(start, -pad, kernel, dilation);
    }
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
