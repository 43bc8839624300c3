package dev.harmonics.kernel.simd;

/**
 * Where a GEMM puts a finished block of products: it combines the block with C (alpha, beta, bias,
 * activation, or int32 conversion) while the block is still in L1.
 */
interface TileSink {

  /**
   * Stores the {@code rows x cols} block {@code tile[tileOffset + r * tileStride + j]} as the
   * products of C rows {@code row..row+rows-1} and columns {@code col..col+cols-1}.
   *
   * @param first whether this is the first partial sum over K for this block (C still holds the
   *     caller's input)
   * @param last whether this is the last one (the epilogue may finish the element)
   */
  void store(float[] tile, int tileOffset, int tileStride, int rows, int cols, int row, int col,
      boolean first, boolean last);
}
