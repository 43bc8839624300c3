package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Finishes int8 GEMM blocks into an int32 C. The blocks hold exact integer sums computed in float
 * (see {@link SimdQuant}), so the float-to-int conversion is exact; later K slices add to C.
 */
final class Int32Epilogue implements TileSink {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final VectorSpecies<Integer> I = S.vectorShape().withLanes(int.class);
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private final MemorySegment c;
  private final int ldc;

  /** C's element {@code (i, j)} is int {@code i * ldc + j} of {@code c}. */
  Int32Epilogue(MemorySegment c, int ldc) {
    this.c = c;
    this.ldc = ldc;
  }

  @Override
  public void store(float[] tile, int tileOffset, int tileStride, int rows, int cols, int row,
      int col, boolean first, boolean last) {
    for (int r = 0; r < rows; r++) {
      long rowStart = ((long) (row + r) * ldc + col) * Integer.BYTES;
      int t = tileOffset + r * tileStride;
      int j = 0;
      for (int bound = S.loopBound(cols); j < bound; j += L) {
        long at = rowStart + (long) j * Integer.BYTES;
        IntVector v =
            (IntVector) FloatVector.fromArray(S, tile, t + j).convert(VectorOperators.F2I, 0);
        if (!first) {
          v = v.add(IntVector.fromMemorySegment(I, c, at, ORDER));
        }
        v.intoMemorySegment(c, at, ORDER);
      }
      if (j < cols) {
        VectorMask<Float> mask = S.indexInRange(j, cols);
        VectorMask<Integer> intMask = mask.cast(I);
        long at = rowStart + (long) j * Integer.BYTES;
        IntVector v = (IntVector) FloatVector.fromArray(S, tile, t + j, mask)
            .convert(VectorOperators.F2I, 0);
        if (!first) {
          v = v.add(IntVector.fromMemorySegment(I, c, at, ORDER, intMask));
        }
        v.intoMemorySegment(c, at, ORDER, intMask);
      }
    }
  }
}
