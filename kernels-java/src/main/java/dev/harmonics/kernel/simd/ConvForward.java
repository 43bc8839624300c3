package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Forward convolution as an implicit-im2col matrix product: per image, group and band of output
 * rows, the band's input is copied once into a padded, phase-split {@link ConvImage}, and {@link
 * ConvMatmul} multiplies the group's packed weights by it. Tasks are (image, group, band) triples
 * spread over the {@link KernelPool}; each owns its scratch, so nothing is shared but the inputs.
 */
final class ConvForward {

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /** Floats of band results, and of band image: both stay in a 2 MB L2 cache. */
  private static final int BAND_FLOATS = 1 << 17;

  private ConvForward() {}

  /** {@code y = conv(x, w) + bias} for geometry {@code g}; {@code bias} may be null. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
      MemorySegment y) {
    int cg = g.cg();
    int og = g.og();
    int taps = g.taps();
    int[] rowOffsets = offsets(g.kh(), g.dilationH());
    int[] colOffsets = offsets(g.kw(), g.dilationW());
    int width = g.ow() + colOffsets[colOffsets.length - 1] / g.strideW();
    int units = g.n() * g.groups();
    int halo = rowOffsets[rowOffsets.length - 1] / g.strideH();
    int phases = ConvImage.phases(rowOffsets, g.strideH()) * ConvImage.phases(colOffsets,
        g.strideW());
    int band = ConvBands.bandRows(g.oh(), width, units, halo, (double) og * taps,
        (double) cg * phases * width * ConvBands.FILL_COST,
        Math.min(BAND_FLOATS / og, BAND_FLOATS / (cg * phases)));
    ConvImage image = new ConvImage(g.h(), g.w(), g.strideH(), g.strideW(), g.padH(), g.padW(),
        rowOffsets, colOffsets, band, width, 2 * ConvMatmul.NR + width);
    int[] koff = new int[taps];
    int[] tapOffset = new int[taps];
    for (int c = 0, t = 0; c < cg; c++) {
      for (int u = 0; u < g.kh(); u++) {
        for (int v = 0; v < g.kw(); v++, t++) {
          koff[t] = image.offset(c, rowOffsets[u], colOffsets[v]);
          tapOffset[t] = t;
        }
      }
    }
    int[] rowBase = new int[og];
    for (int r = 0; r < og; r++) {
      rowBase[r] = r * taps;
    }
    int bands = Math.ceilDiv(g.oh(), band);
    int tasks = units * bands;
    int ldc = Math.ceilDiv(band * width, ConvMatmul.NR) * ConvMatmul.NR;
    KernelPool.shared().parallelFor(tasks, ConvBands.grain(tasks, g.flops()), (from, to) -> {
      NchwScratch scratch = NchwScratch.get();
      float[] a = scratch.packedA(og * taps);
      float[] band0 = scratch.packedB(image.size(cg));
      float[] out = scratch.outputs(og * ldc);
      float[] panel = scratch.columns(taps * ConvMatmul.NR);
      int packed = -1;
      for (int task = from; task < to; task++) {
        int unit = task / bands;
        int n = unit / g.groups();
        int group = unit % g.groups();
        if (group != packed) {
          ConvMatmul.pack(w, (long) group * og * taps, rowBase, og, tapOffset, taps, a);
          packed = group;
        }
        int r0 = (task % bands) * band;
        int rows = Math.min(band, g.oh() - r0);
        image.fill(x, ((long) n * g.c() + (long) group * cg) * g.h() * g.w(), cg, r0, band0);
        int columns = rows * width;
        for (int q = 0; q < columns; q += ConvMatmul.NR) {
          ConvMatmul.multiply(a, og, taps, band0, koff, q, panel, out, q, ldc);
        }
        for (int r = 0; r < og; r++) {
          int oc = group * og + r;
          float b = bias == null ? 0f : bias.getAtIndex(FLOAT, oc);
          ConvBands.store(out, r * ldc, width, rows, g.ow(), b, y,
              ((long) n * g.o() + oc) * g.oh() * g.ow(), g.ow(), r0, 1, 0, 1);
        }
      }
    });
  }

  /** {@code k * dilation} for each tap {@code k} of a kernel dimension. */
  static int[] offsets(int kernel, int dilation) {
    int[] off = new int[kernel];
    for (int k = 0; k < kernel; k++) {
      off[k] = k * dilation;
    }
    return off;
  }
}
