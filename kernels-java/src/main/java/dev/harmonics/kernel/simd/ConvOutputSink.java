package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Takes the blocks of a GEMM whose rows are output channels and whose columns are output positions
 * of one or more images laid side by side ({@code [o, images * plane]}), and stores them into an
 * NCHW output {@code [images, o, plane]}, adding each channel's bias on the last depth slice. A
 * column block may span two images; it is then stored as one run per image.
 */
final class ConvOutputSink implements TileSink {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private final MemorySegment y;
  private final long base;
  private final int channels;
  private final int plane;
  private final float[] bias;

  /**
   * @param base element index of image 0, channel 0, position 0 in {@code y}
   * @param channels output channels of an image (the image stride is {@code channels * plane})
   * @param plane output positions per channel
   * @param bias one value per output channel, or {@code null}
   */
  ConvOutputSink(MemorySegment y, long base, int channels, int plane, float[] bias) {
    this.y = y;
    this.base = base;
    this.channels = channels;
    this.plane = plane;
    this.bias = bias;
  }

  @Override
  public void store(float[] tile, int tileOffset, int tileStride, int rows, int cols, int row,
      int col, boolean first, boolean last) {
    for (int r = 0; r < rows; r++) {
      int channel = row + r;
      float b = last && bias != null ? bias[channel] : 0f;
      int from = tileOffset + r * tileStride;
      int j = 0;
      while (j < cols) {
        int column = col + j;
        int image = column / plane;
        int position = column - image * plane;
        int run = Math.min(cols - j, plane - position);
        long to = base + ((long) image * channels + channel) * plane + position;
        storeRun(tile, from + j, run, to, b, !first);
        j += run;
      }
    }
  }

  /** {@code y[to + i] = (accumulate ? y[to + i] : 0) + src[from + i] + b} for {@code i < n}. */
  private void storeRun(float[] src, int from, int n, long to, float b, boolean accumulate) {
    FloatVector vb = FloatVector.broadcast(F, b);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      long at = (to + i) * Float.BYTES;
      FloatVector v = FloatVector.fromArray(F, src, from + i).add(vb);
      if (accumulate) {
        v = v.add(FloatVector.fromMemorySegment(F, y, at, ORDER));
      }
      v.intoMemorySegment(y, at, ORDER);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      long at = (to + i) * Float.BYTES;
      FloatVector v = FloatVector.fromArray(F, src, from + i, m).add(vb);
      if (accumulate) {
        v = v.add(FloatVector.fromMemorySegment(F, y, at, ORDER, m));
      }
      v.intoMemorySegment(y, at, ORDER, m);
    }
  }
}
