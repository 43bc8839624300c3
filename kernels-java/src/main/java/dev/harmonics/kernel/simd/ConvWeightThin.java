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
 * The weight gradient when each group has too few output channels to fill half a vector
 * (depthwise and narrow grouped convolutions), where {@link ConvBackwardWeight}'s lanes would sit
 * mostly idle. Here the lanes run along the output positions instead: {@code dw[o, t]} is a dot
 * product of output-gradient row {@code o} with tap {@code t}'s run of the implicit im2col, four
 * taps at a time, reduced across lanes once per band.
 *
 * <p>The output gradient is zero on the virtual columns of the image layout, but the image there
 * holds real input values this tap never meets, and {@code 0 * inf} would turn a finite gradient
 * into NaN. So when a band's image holds a non-finite value, the virtual columns are masked out of
 * the image loads; a finite band (the usual case) skips the masks, with the same sums. One task per
 * group.
 */
final class ConvWeightThin {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /** Floats of band image: a band stays in the L2 cache while all its taps are used. */
  private static final int BAND_FLOATS = 1 << 16;
  /** Taps per dot product call. */
  private static final int TAPS = 4;

  private ConvWeightThin() {}

  /** Whether {@link ConvBackwardWeight} would waste more than half of each vector. */
  static boolean suits(ConvGeometry g) {
    return 2 * g.og() < L;
  }

  /** Overwrites {@code dw} with the weight gradient for forward geometry {@code g}. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw) {
    int cg = g.cg();
    int og = g.og();
    int taps = g.taps();
    int[] rowOffsets = ConvForward.offsets(g.kh(), g.dilationH());
    int[] colOffsets = ConvForward.offsets(g.kw(), g.dilationW());
    int width = g.ow() + colOffsets[colOffsets.length - 1] / g.strideW();
    int phases = ConvImage.phases(rowOffsets, g.strideH())
        * ConvImage.phases(colOffsets, g.strideW());
    int halo = rowOffsets[rowOffsets.length - 1] / g.strideH();
    int band = Math.clamp(BAND_FLOATS / ((long) cg * phases * width) - halo, 1, g.oh());
    ConvImage image = new ConvImage(g.h(), g.w(), g.strideH(), g.strideW(), g.padH(), g.padW(),
        rowOffsets, colOffsets, band, width, 2 * ConvMatmul.NR + width);
    int[] koff = new int[Math.ceilDiv(taps, TAPS) * TAPS];
    for (int c = 0, t = 0; c < cg; c++) {
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
    int tasks = g.groups();
    KernelPool.shared().parallelFor(tasks, ConvBands.grain(tasks, g.flops()), (from, to) -> {
      NchwScratch scratch = NchwScratch.get();
      float[] band0 = scratch.packedB(image.size(cg));
      float[] grads = scratch.columns(og * ldq);
      float[] acc = scratch.outputs(og * koff.length);
      float[] sums = new float[TAPS];
      for (int group = from; group < to; group++) {
        Arrays.fill(acc, 0, og * koff.length, 0f);
        for (int n = 0; n < g.n(); n++) {
          for (int b = 0; b < bands; b++) {
            int r0 = b * band;
            int rows = Math.min(band, g.oh() - r0);
            image.fill(x, ((long) n * g.c() + (long) group * cg) * g.h() * g.w(), cg, r0, band0);
            spread(dy, ((long) n * g.o() + (long) group * og) * g.oh() * g.ow(), og, g.oh(),
                g.ow(), r0, rows, width, ldq, grads);
            boolean[] valid = b == bands - 1 ? lastBand : fullBand;
            boolean masked = !allFinite(band0, image.size(cg));
            for (int o = 0; o < og; o++) {
              for (int t = 0; t < taps; t += TAPS) {
                dot1x4(grads, o * ldq, ldq, band0, koff, t, valid, masked, sums);
                for (int j = 0; j < TAPS; j++) {
                  acc[o * koff.length + t + j] += sums[j];
                }
              }
            }
          }
        }
        for (int o = 0; o < og; o++) {
          long at = (long) (group * og + o) * taps;
          MemorySegment.copy(acc, o * koff.length, dw, FLOAT, at * Float.BYTES, taps);
        }
      }
    });
  }

  /** Output channel {@code d[dOff ...]} against taps {@code t .. t + 3}: four dot products. */
  private static void dot1x4(float[] d, int dOff, int ldq, float[] s, int[] koff, int t,
      boolean[] valid, boolean masked, float[] sums) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
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
    sums[0] = LaneSum.sum(a0);
    sums[1] = LaneSum.sum(a1);
    sums[2] = LaneSum.sum(a2);
    sums[3] = LaneSum.sum(a3);
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
    return !Float.isNaN(LaneSum.sum(acc) + rest);
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
