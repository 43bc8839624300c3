package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Takes the blocks of a GEMM whose rows are an image's output channels and whose columns are its
 * output positions, and stores them into the image's NCHW output {@code [o, plane]}, adding each
 * channel's bias on the last depth slice.
 */
final class ConvOutputSink implements TileSink {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private final MemorySegment y;
  private final long base;
  private final int plane;
  private final float[] bias;

  /**
   * @param base element index of the image's channel 0, position 0 in {@code y}
   * @param plane output positions per channel
   * @param bias one value per output channel, or {@code null}
   */
  ConvOutputSink(MemorySegment y, long base, int plane, float[] bias) {
    this.y = y;
    this.base = base;
    this.plane = plane;
    this.bias = bias;
  }

  @Override
  public void store(float[] tile, int tileOffset, int tileStride, int rows, int cols, int row,
      int col, boolean first, boolean last) {
    for (int r = 0; r < rows; r++) {
      int channel = row + r;
      float b = last && bias != null ? bias[channel] : 0f;
      storeRun(tile, tileOffset + r * tileStride, cols, base + (long) channel * plane + col, b,
          !first);
    }
  }

  /** {@code y[to + i] = (accumulate ? y[to + i] : 0) + src[from + i] + b} for {@code i < n}. */
  private void storeRun(float[] src, int from, int n, long to, float b, boolean accumulate) {
    MemorySegment run = y.asSlice(4L * to, 4L * n);
    FloatVector vb = FloatVector.broadcast(F, b);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      long at = (long) i * Float.BYTES;
      FloatVector v = FloatVector.fromArray(F, src, from + i).add(vb);
      if (accumulate) {
        v = v.add(FloatVector.fromMemorySegment(F, run, at, ORDER));
      }
      v.intoMemorySegment(run, at, ORDER);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      long at = (long) i * Float.BYTES;
      FloatVector v = FloatVector.fromArray(F, src, from + i, m).add(vb);
      if (accumulate) {
        v = v.add(FloatVector.fromMemorySegment(F, y, to * Float.BYTES + at, ORDER, m));
      }
      v.intoMemorySegment(y, to * Float.BYTES + at, ORDER, m);
    }
  }
}
