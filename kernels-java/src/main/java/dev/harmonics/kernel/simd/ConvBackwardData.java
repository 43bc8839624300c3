package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The input gradient of a convolution (and so the forward transposed convolution) in gather form:
 * each input-gradient element sums weights times output gradients, with no scattering and no
 * atomics. Split by {@link ResidueAxis} residues, every part is a unit-stride correlation of a
 * zero-padded copy of the output gradient with a subset of the kernel taps, computed by the same
 * {@link ConvMatmul} tiles as the forward pass. A stride-1 convolution has a single residue: a
 * correlation with the flipped kernel.
 */
final class ConvBackwardData {

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
  /** Floats of band results, and of band image: both stay in a 2 MB L2 cache. */
  private static final int BAND_FLOATS = 1 << 17;

  private ConvBackwardData() {}

  /**
   * {@code dx = conv(., w)^T dy (+ bias)} for the forward geometry {@code g}, where {@code dx} is
   * the forward input's shape; {@code bias}, indexed by input channel, may be null.
   */
  static void run(ConvGeometry g, MemorySegment dy, MemorySegment w, MemorySegment bias,
      MemorySegment dx) {
    int cg = g.cg();
    int og = g.og();
    int kernelTaps = g.kh() * g.kw();
    ResidueAxis rows = new ResidueAxis(g.h(), g.kh(), g.strideH(), g.padH(), g.dilationH());
    ResidueAxis cols = new ResidueAxis(g.w(), g.kw(), g.strideW(), g.padW(), g.dilationW());
    int width = cols.count[0] + cols.maxShift;
    int units = g.n() * g.groups();
    int band = ConvBands.bandRows(rows.count[0], width, units, rows.maxShift,
        (double) cg * og * kernelTaps, (double) og * width * ConvBands.FILL_COST,
        Math.min(BAND_FLOATS / cg, BAND_FLOATS / og));
    ConvImage image = new ConvImage(g.oh(), g.ow(), 1, 1, rows.lead, cols.lead,
        rows.allShifts(), cols.allShifts(), band, width, 2 * ConvMatmul.NR + width);
    int residues = rows.residues * cols.residues;
    int[][] koff = new int[residues][];
    int[][] tapOffset = new int[residues][];
    int maxTaps = 0;
    for (int rh = 0; rh < rows.residues; rh++) {
      for (int rw = 0; rw < cols.residues; rw++) {
        int[] us = rows.taps[rh];
        int[] vs = cols.taps[rw];
        int n = og * us.length * vs.length;
        int[] k = new int[n];
        int[] off = new int[n];
        for (int o = 0, t = 0; o < og; o++) {
          for (int i = 0; i < us.length; i++) {
            for (int j = 0; j < vs.length; j++, t++) {
              k[t] = image.offset(o, rows.shift[rh][i], cols.shift[rw][j]);
              off[t] = o * cg * kernelTaps + us[i] * g.kw() + vs[j];
            }
          }
        }
        koff[rh * cols.residues + rw] = k;
        tapOffset[rh * cols.residues + rw] = off;
        maxTaps = Math.max(maxTaps, n);
      }
    }
    int[] rowBase = new int[cg];
    for (int c = 0; c < cg; c++) {
      rowBase[c] = c * kernelTaps;
    }
    int packedSize = cg * maxTaps;
    int panelSize = maxTaps * ConvMatmul.NR;
    int bands = Math.ceilDiv(rows.count[0], band);
    int tasks = units * bands;
    int ldc = Math.ceilDiv(band * width, ConvMatmul.NR) * ConvMatmul.NR;
    long weightsPerGroup = (long) og * cg * kernelTaps;
    KernelPool.shared().parallelFor(tasks, ConvBands.grain(tasks, g.flops()), (from, to) -> {
      NchwScratch scratch = NchwScratch.get();
      float[] a = scratch.packedA(packedSize);
      float[] band0 = scratch.packedB(image.size(og));
      float[] out = scratch.outputs(cg * ldc);
      float[] panel = scratch.columns(panelSize);
      for (int task = from; task < to; task++) {
        int unit = task / bands;
        int n = unit / g.groups();
        int group = unit % g.groups();
        int a0 = (task % bands) * band;
        image.fill(dy, ((long) n * g.o() + (long) group * og) * g.oh() * g.ow(), og, a0, band0);
        for (int rh = 0; rh < rows.residues; rh++) {
          int count = Math.min(band, rows.count[rh] - a0);
          if (count <= 0) {
            continue;
          }
          for (int rw = 0; rw < cols.residues; rw++) {
            int residue = rh * cols.residues + rw;
            int taps = koff[residue].length;
            ConvMatmul.pack(w, group * weightsPerGroup, rowBase, cg, tapOffset[residue], taps, a);
            int columns = count * width;
            for (int q = 0; q < columns; q += ConvMatmul.NR) {
              ConvMatmul.multiply(a, cg, taps, band0, koff[residue], q, panel, out, q, ldc);
            }
            for (int c = 0; c < cg; c++) {
              int ic = group * cg + c;
              float b = bias == null ? 0f : bias.getAtIndex(FLOAT, ic);
              ConvBands.store(out, c * ldc, width, count, cols.count[rw], b, dx,
                  ((long) n * g.c() + ic) * g.h() * g.w(), g.w(), rh + rows.stride * a0,
                  rows.stride, rw, cols.stride);
            }
          }
        }
      }
    });
  }
}
