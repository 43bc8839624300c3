package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution: {@code dw[o, t]} is the dot product, over images and
 * output positions, of output-gradient plane {@code o} with tap {@code t}'s run of the implicit
 * im2col ({@link ConvImage}). Both operands are contiguous along the output positions, so the
 * products are vectorised along them, 8 output channels by 3 taps at a time. Each (channel, tap)
 * pair keeps a whole vector of partial sums in a per-task array until its last band, so lanes are
 * reduced once per task rather than once per band.
 *
 * <p>The output gradient is zero on the virtual columns of the image layout, but the image there
 * holds real input values that this tap never meets, and {@code 0 * inf} would turn a finite
 * gradient into NaN. So when a band's image holds a non-finite value, the virtual columns are
 * masked out of the image loads; a finite band (the usual case) skips the masks, which is about
 * 15% faster and gives the same sums. Tasks own disjoint blocks of {@code dw} (a group, a block of
 * input channels and a block of output channels), so threads never combine partial sums.
 */
final class ConvBackwardWeight {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /** Floats of image band per task: a band stays in the L2 cache while all its taps are used. */
  private static final int BAND_FLOATS = 1 << 16;
  /**
   * Virtual columns per band: eight output-gradient rows of a band (32 KB) stay in the L1 cache
   * while the taps stream past them.
   */
  private static final int BAND_COLUMNS = 1024;
  /** Floats of partial-sum vectors per task (512 KB): they stay in the L2 cache. */
  private static final int PARTIAL_FLOATS = 1 << 17;
  /** Output channels per task at most. */
  private static final int MAX_OUTS = 64;
  /** Output channels per tile; a tile's taps come {@link #TAPS} at a time. */
  private static final int ROWS = 8;
  private static final int TAPS = 3;
  /** Taps per tile of a lone output channel. */
  private static final int ROW_TAPS = 4;
  /** Tap counts are padded to a multiple of both tile widths. */
  private static final int TAP_ALIGN = TAPS * ROW_TAPS;

  private ConvBackwardWeight() {}

  /** Overwrites {@code dw} with the weight gradient for forward geometry {@code g}. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw) {
    int cg = g.cg();
    int og = g.og();
    int kernelTaps = g.kh() * g.kw();
    int threads = KernelPool.shared().parallelism();
    int oBlock = Math.min(og, MAX_OUTS);
    int oBlocks = Math.ceilDiv(og, oBlock);
    int wantedCBlocks = Math.ceilDiv(4 * threads, g.groups() * oBlocks);
    int cBlock = Math.clamp(Math.min(PARTIAL_FLOATS / L / (oBlock * kernelTaps) - 1,
        Math.ceilDiv(cg, wantedCBlocks)), 1, cg);
    int cBlocks = Math.ceilDiv(cg, cBlock);

    int[] rowOffsets = ConvForward.offsets(g.kh(), g.dilationH());
    int[] colOffsets = ConvForward.offsets(g.kw(), g.dilationW());
    int width = g.ow() + colOffsets[colOffsets.length - 1] / g.strideW();
    int phases = ConvImage.phases(rowOffsets, g.strideH())
        * ConvImage.phases(colOffsets, g.strideW());
    int halo = rowOffsets[rowOffsets.length - 1] / g.strideH();
    int band = Math.clamp(Math.min(BAND_COLUMNS / width,
        BAND_FLOATS / ((long) cBlock * phases * width) - halo), 1, g.oh());
    ConvImage image = new ConvImage(g.h(), g.w(), g.strideH(), g.strideW(), g.padH(), g.padW(),
        rowOffsets, colOffsets, band, width, 2 * ConvMatmul.NR + width);
    int blockTaps = cBlock * kernelTaps;
    int tapsPad = Math.ceilDiv(blockTaps, TAP_ALIGN) * TAP_ALIGN;
    int[] koff = new int[tapsPad];
    for (int c = 0, t = 0; c < cBlock; c++) {
      for (int u = 0; u < g.kh(); u++) {
        for (int v = 0; v < g.kw(); v++, t++) {
          koff[t] = image.offset(c, rowOffsets[u], colOffsets[v]);
        }
      }
    }
    int ldq = Math.ceilDiv(band * width, L) * L;
    int bands = Math.ceilDiv(g.oh(), band);
    boolean[] fullBand = validColumns(band, width, g.ow(), ldq);
    boolean[] lastBand = validColumns(g.oh() - (bands - 1) * band, width, g.ow(), ldq);
    int tasks = g.groups() * cBlocks * oBlocks;
    KernelPool.shared().parallelFor(tasks, ConvBands.grain(tasks, g.flops()), (from, to) -> {
      NchwScratch scratch = NchwScratch.get();
      float[] band0 = scratch.packedB(image.size(cBlock));
      float[] grads = scratch.columns(oBlock * ldq);
      float[] partial = scratch.outputs(oBlock * tapsPad * L);
      float[] row = scratch.packedA(tapsPad);
      for (int task = from; task < to; task++) {
        int group = task / (cBlocks * oBlocks);
        int c0 = (task / oBlocks) % cBlocks * cBlock;
        int o0 = task % oBlocks * oBlock;
        int channels = Math.min(cBlock, cg - c0);
        int outs = Math.min(oBlock, og - o0);
        int taps = channels * kernelTaps;
        Arrays.fill(partial, 0, outs * tapsPad * L, 0f);
        for (int n = 0; n < g.n(); n++) {
          for (int b = 0; b < bands; b++) {
            int r0 = b * band;
            int rows = Math.min(band, g.oh() - r0);
            image.fill(x, ((long) n * g.c() + (long) group * cg + c0) * g.h() * g.w(), channels,
                r0, band0);
            long dyBase = ((long) n * g.o() + (long) group * og + o0) * g.oh() * g.ow();
            spread(dy, dyBase, outs, g.oh(), g.ow(), r0, rows, width, ldq, grads);
            boolean[] valid = b == bands - 1 ? lastBand : fullBand;
            boolean masked = !allFinite(band0, image.size(channels));
            accumulate(grads, outs, ldq, band0, koff, taps, tapsPad, valid, masked, partial);
          }
        }
        for (int o = 0; o < outs; o++) {
          for (int t = 0; t < taps; t++) {
            row[t] = FloatVector.fromArray(F, partial, (o * tapsPad + t) * L)
                .reduceLanes(VectorOperators.ADD);
          }
          long at = (long) (group * og + o0 + o) * cg * kernelTaps + (long) c0 * kernelTaps;
          MemorySegment.copy(row, 0, dw, FLOAT, at * Float.BYTES, taps);
        }
      }
    });
  }

  /**
   * Adds, for every output channel {@code o} and tap {@code t}, the lane-wise products of {@code
   * grads[o, q]} and {@code image[koff[t] + q]} over the band's valid columns {@code q} into the
   * partial-sum vector {@code partial[(o * tapsPad + t) * L ...]}.
   */
  private static void accumulate(float[] grads, int outs, int ldq, float[] image, int[] koff,
      int taps, int tapsPad, boolean[] valid, boolean masked, float[] partial) {
    int fullOuts = outs - outs % ROWS;
    for (int o = 0; o < fullOuts; o += ROWS) {
      for (int t = 0; t < taps; t += TAPS) {
        dot8x3(grads, o * ldq, ldq, image, koff, t, valid, masked, partial,
            (o * tapsPad + t) * L, tapsPad * L);
      }
    }
    for (int o = fullOuts; o < outs; o++) {
      for (int t = 0; t < taps; t += ROW_TAPS) {
        dot1x4(grads, o * ldq, ldq, image, koff, t, valid, masked, partial,
            (o * tapsPad + t) * L);
      }
    }
  }

  /**
   * Eight output channels by three taps: 24 accumulators, and per vector of positions 8 gradient
   * loads (from L1, shared by every tap of the band) and 3 masked image loads (streamed). Partial
   * sum {@code (i, j)} lives at {@code p[pOff + i * ldp + j * L]}.
   */
  private static void dot8x3(float[] d, int dOff, int ldq, float[] s, int[] koff, int t,
      boolean[] valid, boolean masked, float[] p, int pOff, int ldp) {
    FloatVector a00 = FloatVector.fromArray(F, p, pOff);
    FloatVector a01 = FloatVector.fromArray(F, p, pOff + L);
    FloatVector a02 = FloatVector.fromArray(F, p, pOff + 2 * L);
    FloatVector a10 = FloatVector.fromArray(F, p, pOff + ldp);
    FloatVector a11 = FloatVector.fromArray(F, p, pOff + ldp + L);
    FloatVector a12 = FloatVector.fromArray(F, p, pOff + ldp + 2 * L);
    FloatVector a20 = FloatVector.fromArray(F, p, pOff + 2 * ldp);
    FloatVector a21 = FloatVector.fromArray(F, p, pOff + 2 * ldp + L);
    FloatVector a22 = FloatVector.fromArray(F, p, pOff + 2 * ldp + 2 * L);
    FloatVector a30 = FloatVector.fromArray(F, p, pOff + 3 * ldp);
    FloatVector a31 = FloatVector.fromArray(F, p, pOff + 3 * ldp + L);
    FloatVector a32 = FloatVector.fromArray(F, p, pOff + 3 * ldp + 2 * L);
    FloatVector a40 = FloatVector.fromArray(F, p, pOff + 4 * ldp);
    FloatVector a41 = FloatVector.fromArray(F, p, pOff + 4 * ldp + L);
    FloatVector a42 = FloatVector.fromArray(F, p, pOff + 4 * ldp + 2 * L);
    FloatVector a50 = FloatVector.fromArray(F, p, pOff + 5 * ldp);
    FloatVector a51 = FloatVector.fromArray(F, p, pOff + 5 * ldp + L);
    FloatVector a52 = FloatVector.fromArray(F, p, pOff + 5 * ldp + 2 * L);
    FloatVector a60 = FloatVector.fromArray(F, p, pOff + 6 * ldp);
    FloatVector a61 = FloatVector.fromArray(F, p, pOff + 6 * ldp + L);
    FloatVector a62 = FloatVector.fromArray(F, p, pOff + 6 * ldp + 2 * L);
    FloatVector a70 = FloatVector.fromArray(F, p, pOff + 7 * ldp);
    FloatVector a71 = FloatVector.fromArray(F, p, pOff + 7 * ldp + L);
    FloatVector a72 = FloatVector.fromArray(F, p, pOff + 7 * ldp + 2 * L);
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    for (int q = 0; q < ldq; q += L) {
      FloatVector s0;
      FloatVector s1;
      FloatVector s2;
      if (masked) {
        VectorMask<Float> m = VectorMask.fromArray(F, valid, q);
        s0 = FloatVector.fromArray(F, s, k0 + q, m);
        s1 = FloatVector.fromArray(F, s, k1 + q, m);
        s2 = FloatVector.fromArray(F, s, k2 + q, m);
      } else {
        s0 = FloatVector.fromArray(F, s, k0 + q);
        s1 = FloatVector.fromArray(F, s, k1 + q);
        s2 = FloatVector.fromArray(F, s, k2 + q);
      }
      int at = dOff + q;
      FloatVector g = FloatVector.fromArray(F, d, at);
      a00 = g.fma(s0, a00);
      a01 = g.fma(s1, a01);
      a02 = g.fma(s2, a02);
      g = FloatVector.fromArray(F, d, at + ldq);
      a10 = g.fma(s0, a10);
      a11 = g.fma(s1, a11);
      a12 = g.fma(s2, a12);
      g = FloatVector.fromArray(F, d, at + 2 * ldq);
      a20 = g.fma(s0, a20);
      a21 = g.fma(s1, a21);
      a22 = g.fma(s2, a22);
      g = FloatVector.fromArray(F, d, at + 3 * ldq);
      a30 = g.fma(s0, a30);
      a31 = g.fma(s1, a31);
      a32 = g.fma(s2, a32);
      g = FloatVector.fromArray(F, d, at + 4 * ldq);
      a40 = g.fma(s0, a40);
      a41 = g.fma(s1, a41);
      a42 = g.fma(s2, a42);
      g = FloatVector.fromArray(F, d, at + 5 * ldq);
      a50 = g.fma(s0, a50);
      a51 = g.fma(s1, a51);
      a52 = g.fma(s2, a52);
      g = FloatVector.fromArray(F, d, at + 6 * ldq);
      a60 = g.fma(s0, a60);
      a61 = g.fma(s1, a61);
      a62 = g.fma(s2, a62);
      g = FloatVector.fromArray(F, d, at + 7 * ldq);
      a70 = g.fma(s0, a70);
      a71 = g.fma(s1, a71);
      a72 = g.fma(s2, a72);
    }
    a00.intoArray(p, pOff);
    a01.intoArray(p, pOff + L);
    a02.intoArray(p, pOff + 2 * L);
    a10.intoArray(p, pOff + ldp);
    a11.intoArray(p, pOff + ldp + L);
    a12.intoArray(p, pOff + ldp + 2 * L);
    a20.intoArray(p, pOff + 2 * ldp);
    a21.intoArray(p, pOff + 2 * ldp + L);
    a22.intoArray(p, pOff + 2 * ldp + 2 * L);
    a30.intoArray(p, pOff + 3 * ldp);
    a31.intoArray(p, pOff + 3 * ldp + L);
    a32.intoArray(p, pOff + 3 * ldp + 2 * L);
    a40.intoArray(p, pOff + 4 * ldp);
    a41.intoArray(p, pOff + 4 * ldp + L);
    a42.intoArray(p, pOff + 4 * ldp + 2 * L);
    a50.intoArray(p, pOff + 5 * ldp);
    a51.intoArray(p, pOff + 5 * ldp + L);
    a52.intoArray(p, pOff + 5 * ldp + 2 * L);
    a60.intoArray(p, pOff + 6 * ldp);
    a61.intoArray(p, pOff + 6 * ldp + L);
    a62.intoArray(p, pOff + 6 * ldp + 2 * L);
    a70.intoArray(p, pOff + 7 * ldp);
    a71.intoArray(p, pOff + 7 * ldp + L);
    a72.intoArray(p, pOff + 7 * ldp + 2 * L);
  }

  /** One output channel by four taps; partial sums at {@code p[pOff + j * L]}. */
  private static void dot1x4(float[] d, int dOff, int ldq, float[] s, int[] koff, int t,
      boolean[] valid, boolean masked, float[] p, int pOff) {
    FloatVector a0 = FloatVector.fromArray(F, p, pOff);
    FloatVector a1 = FloatVector.fromArray(F, p, pOff + L);
    FloatVector a2 = FloatVector.fromArray(F, p, pOff + 2 * L);
    FloatVector a3 = FloatVector.fromArray(F, p, pOff + 3 * L);
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    int k3 = koff[t + 3];
    VectorMask<Float> all = F.maskAll(true);
    for (int q = 0; q < ldq; q += L) {
      VectorMask<Float> m = masked ? VectorMask.fromArray(F, valid, q) : all;
      FloatVector d0 = FloatVector.fromArray(F, d, dOff + q);
      a0 = d0.fma(FloatVector.fromArray(F, s, k0 + q, m), a0);
      a1 = d0.fma(FloatVector.fromArray(F, s, k1 + q, m), a1);
      a2 = d0.fma(FloatVector.fromArray(F, s, k2 + q, m), a2);
      a3 = d0.fma(FloatVector.fromArray(F, s, k3 + q, m), a3);
    }
    a0.intoArray(p, pOff);
    a1.intoArray(p, pOff + L);
    a2.intoArray(p, pOff + 2 * L);
    a3.intoArray(p, pOff + 3 * L);
  }

  /**
   * Lays {@code outs} output-gradient planes out on the band's virtual columns: {@code grads[o *
   * ldq + i * width + j] = dy[o, r0 + i, j]} for {@code j < ow}, zero elsewhere.
   */
  private static void spread(MemorySegment dy, long base, int outs, int oh, int ow, int r0,
      int rows, int width, int ldq, float[] grads) {
    for (int o = 0; o < outs; o++) {
      int row = o * ldq;
      for (int i = 0; i < rows; i++, row += width) {
        PlaneRows.load(dy, base + ((long) o * oh + r0 + i) * ow, grads, row, ow);
        Arrays.fill(grads, row + ow, row + width, 0f);
      }
      Arrays.fill(grads, row, o * ldq + ldq, 0f);
    }
  }

  /** Whether {@code a[0 .. n)} holds no infinity or NaN: {@code v - v} is NaN exactly for those. */
  private static boolean allFinite(float[] a, int n) {
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(F, a, i);
      acc = acc.add(v.sub(v));
    }
    float rest = 0f;
    for (; i < n; i++) {
      rest += a[i] - a[i];
    }
    return !Float.isNaN(acc.reduceLanes(VectorOperators.ADD) + rest);
  }

  /** Which of {@code ldq} virtual columns of a band of {@code rows} rows are real outputs. */
  private static boolean[] validColumns(int rows, int width, int ow, int ldq) {
    boolean[] valid = new boolean[ldq];
    for (int q = 0; q < rows * width; q++) {
      valid[q] = q % width < ow;
    }
    return valid;
  }
}
