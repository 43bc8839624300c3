package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;

/**
 * One convolution-shaped product through the project's GEMM: {@code W[o, k] · B[k, n]} into a
 * {@link ConvOutputSink}. A product of a few rows streams B ({@link SkinnyGemm}); a larger one is
 * packed and cache-blocked ({@link GemmDriver}).
 */
final class ConvGemm {

  private ConvGemm() {}

  /**
   * Hands {@code W · B} ({@code m x k} times {@code k x n}, {@code k > 0}) to {@code sink}, split
   * over the kernel pool when {@code parallel} and the product is large enough.
   *
   * @param w row-major weights {@code [m, k]} from element {@code wBase}
   * @param b row-major {@code [k, n]} from element {@code bBase}
   */
  static void multiply(int m, int n, int k, MemorySegment w, long wBase, MemorySegment b,
      long bBase, ConvOutputSink sink, boolean parallel) {
    if (m <= SkinnyGemm.MAX_ROWS) {
      SkinnyGemm.multiply(false, false, m, n, k, w, wBase, b, bBase, sink, parallel);
    } else {
      GemmDriver.multiply(GemmOperand.floats(w, wBase, k, false),
          GemmOperand.floats(b, bBase, n, false), m, n, k, sink, parallel,
          GemmDriver.FLOAT_DEPTH);
    }
  }
}
