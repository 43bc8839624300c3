package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Explicit im2col then one GEMM for the whole batch: the columns of every image sit side by side
 * in a reused per-thread buffer ({@code [c * kh * kw, n * oh * ow]}), so a batch of small maps
 * becomes one product wide enough for the packed GEMM to amortise its packing, and {@link
 * ConvOutputSink} scatters the result back to NCHW. Only for ungrouped convolutions whose column
 * buffer stays modest ({@link #MAX_COLUMN_FLOATS}).
 */
final class ConvIm2colGemm {

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /** Largest column buffer (16 MB): beyond it the copy no longer pays for itself. */
  static final long MAX_COLUMN_FLOATS = 4L << 20;

  private ConvIm2colGemm() {}

  /** Whether {@code g} is a convolution this path computes. */
  static boolean suits(ConvGeometry g) {
    return g.groups() == 1 && columnFloats(g) <= MAX_COLUMN_FLOATS;
  }

  private static long columnFloats(ConvGeometry g) {
    return (long) g.taps() * g.n() * g.oh() * g.ow();
  }

  /** {@code y = conv(x, w) + bias} for a geometry that {@link #suits}; {@code bias} may be null. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
      MemorySegment y) {
    int taps = g.taps();
    int plane = g.oh() * g.ow();
    int columns = g.n() * plane;
    float[] cols = NchwScratch.get().packedB((int) columnFloats(g));
    int grain = Math.max(1, (int) ((1L << 16) / Math.max(1, columns)));
    KernelPool.shared().parallelFor(taps, g.flops() < ConvBands.SERIAL_FLOPS ? taps : grain,
        (from, to) -> {
          for (int t = from; t < to; t++) {
            fillRow(g, x, t, cols, t * columns);
          }
        });
    float[] b = bias == null ? null : bias.toArray(FLOAT);
    ConvGemm.multiply(g.o(), columns, taps, w, 0, MemorySegment.ofArray(cols), 0,
        new ConvOutputSink(y, 0, g.o(), plane, b), true);
  }

  /**
   * Row {@code t = (channel, u, v)} of the columns: for every image and output position, the input
   * element tap {@code (u, v)} of {@code channel} reads there, or zero in the padding.
   */
  private static void fillRow(ConvGeometry g, MemorySegment x, int t, float[] cols, int at) {
    int kk = g.kh() * g.kw();
    int channel = t / kk;
    int u = t % kk / g.kw();
    int v = t % g.kw();
    int dy = u * g.dilationH() - g.padH();
    int dx = v * g.dilationW() - g.padW();
    int sw = g.strideW();
    // Output columns whose input column lies inside the image: [lo, hi).
    int lo = Math.clamp(Math.ceilDiv(-dx, sw), 0, g.ow());
    int hi = Math.clamp(Math.ceilDiv(g.w() - dx, sw), lo, g.ow());
    for (int i = 0; i < g.n(); i++) {
      long plane = ((long) i * g.c() + channel) * g.h() * g.w();
      for (int oy = 0; oy < g.oh(); oy++, at += g.ow()) {
        int iy = oy * g.strideH() + dy;
        if (iy < 0 || iy >= g.h() || lo == hi) {
          Arrays.fill(cols, at, at + g.ow(), 0f);
          continue;
        }
        Arrays.fill(cols, at, at + lo, 0f);
        long row = plane + (long) iy * g.w() + dx;
        if (sw == 1) {
          MemorySegment.copy(x, FLOAT, (row + lo) * Float.BYTES, cols, at + lo, hi - lo);
        } else {
          for (int ox = lo; ox < hi; ox++) {
            cols[at + ox] = x.getAtIndex(FLOAT, row + (long) ox * sw);
          }
        }
        Arrays.fill(cols, at + hi, at + g.ow(), 0f);
      }
    }
  }
}
