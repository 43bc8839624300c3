package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution: {@code dw[o, t]} sums, over images and output positions
 * {@code p}, the output gradient {@code dy[o, p]} times tap {@code t}'s input value at {@code p},
 * which is element {@code koff[t] + q(p)} of the implicit im2col ({@link ConvImage}).
 *
 * <p>It is computed transposed, as {@code dw^T[t, o]}: a band's output gradients are laid out
 * position-major ({@code [p][o]}, a cheap transpose done once per band for all taps), so a tile of
 * {@link #TAPS} taps by 2 vectors of output channels broadcasts one image value per tap and loads
 * two vectors of gradients per position: the same register tile as the forward product, with the
 * reduction running along the positions and never across lanes. Only real output positions are
 * visited, so the virtual columns of the image layout (real input values a tap never meets there)
 * take no part and cannot turn {@code 0 * inf} into NaN.
 *
 * <p>Tasks are (group, image, band) triples; each thread sums its tasks into its own copy of the
 * gradient, and the copies are added at the end (the gradient is small next to the work).
 */
final class ConvBackwardWeight {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /** Floats of band image, and of band gradients: both stay in the L2 cache. */
  private static final int BAND_FLOATS = 1 << 16;
  /**
   * Taps per tile: 8 by 2 vectors is 16 accumulators, and 4 where the JIT has 16 vector registers,
   * for the reason given in {@link ConvMatmul#MR}.
   */
  private static final int TAPS = SimdSpecies.VECTOR_REGISTERS >= 32 ? 8 : 4;

  private ConvBackwardWeight() {}

  /** Overwrites {@code dw} with the weight gradient for forward geometry {@code g}. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw) {
    int cg = g.cg();
    int og = g.og();
    int taps = g.taps();
    int tapsPad = Math.ceilDiv(taps, TAPS) * TAPS;
    int ld = Math.ceilDiv(og, L) * L;
    int[] rowOffsets = ConvForward.offsets(g.kh(), g.dilationH());
    int[] colOffsets = ConvForward.offsets(g.kw(), g.dilationW());
    int width = g.ow() + colOffsets[colOffsets.length - 1] / g.strideW();
    int phases = ConvImage.phases(rowOffsets, g.strideH())
        * ConvImage.phases(colOffsets, g.strideW());
    int halo = rowOffsets[rowOffsets.length - 1] / g.strideH();
    int units = g.n() * g.groups();
    double rowFloats = (double) cg * phases * width + 2.0 * ld * g.ow();
    int band = ConvBands.bandRows(g.oh(), width, units, halo, (double) og * taps,
        rowFloats * ConvBands.FILL_COST, (int) Math.max(width, BAND_FLOATS / rowFloats * width));
    ConvImage image = new ConvImage(g.h(), g.w(), g.strideH(), g.strideW(), g.padH(), g.padW(),
        rowOffsets, colOffsets, band, width, 2 * ConvMatmul.NR + width);
    int[] koff = new int[tapsPad];
    for (int c = 0, t = 0; c < cg; c++) {
      for (int u = 0; u < g.kh(); u++) {
        for (int v = 0; v < g.kw(); v++, t++) {
          koff[t] = image.offset(c, rowOffsets[u], colOffsets[v]);
        }
      }
    }
    int bands = Math.ceilDiv(g.oh(), band);
    int tasks = units * bands;
    int groupSize = tapsPad * ld;
    float[][] sums = new float[Math.max(1, tasks)][];
    KernelPool.shared().parallelFor(tasks, ConvBands.grain(tasks, g.flops()), (from, to) -> {
      NchwScratch scratch = NchwScratch.get();
      float[] band0 = scratch.packedB(image.size(cg));
      float[] grads = scratch.columns(band * g.ow() * ld);
      float[] staged = scratch.outputs(band * g.ow() * ld);
      float[] sum = new float[g.groups() * groupSize];
      for (int task = from; task < to; task++) {
        int unit = task / bands;
        int n = unit / g.groups();
        int group = unit % g.groups();
        int r0 = (task % bands) * band;
        int rows = Math.min(band, g.oh() - r0);
        image.fill(x, ((long) n * g.c() + (long) group * cg) * g.h() * g.w(), cg, r0, band0);
        transpose(dy, ((long) n * g.o() + (long) group * og) * g.oh() * g.ow(), og, g.oh(),
            g.ow(), r0, rows, ld, staged, grads);
        accumulate(band0, koff, tapsPad, grads, ld, rows, g.ow(), width, sum,
            group * groupSize);
      }
      sums[from] = sum;
    });
    float[] total = add(sums, g.groups() * groupSize);
    float[] row = new float[taps];
    for (int group = 0; group < g.groups(); group++) {
      for (int o = 0; o < og; o++) {
        for (int t = 0; t < taps; t++) {
          row[t] = total[group * groupSize + t * ld + o];
        }
        long at = (long) (group * og + o) * taps;
        MemorySegment.copy(row, 0, dw, FLOAT, at * Float.BYTES, taps);
      }
    }
  }

  /**
   * Lays output-gradient planes out position-major: {@code grads[(i * ow + j) * ld + o] = dy[o,
   * r0 + i, j]} for {@code o < outs}, zero for {@code outs <= o < ld}. The band's rows are first
   * copied channel-major into {@code staged}, then each vector of channels is one gather with a
   * lane stride of a band plane: far cheaper than scattering single floats a row of {@code ld}
   * apart. {@code staged} holds {@code ld} planes because a masked gather still range-checks the
   * indices of its unset lanes.
   */
  private static void transpose(MemorySegment dy, long base, int outs, int oh, int ow, int r0,
      int rows, int ld, float[] staged, float[] grads) {
    int positions = rows * ow;
    for (int o = 0; o < outs; o++) {
      PlaneRows.load(dy, base + ((long) o * oh + r0) * ow, staged, o * positions, positions);
    }
    int[] lanes = new int[L];
    for (int k = 0; k < L; k++) {
      lanes[k] = k * positions;
    }
    for (int o = 0; o < ld; o += L) {
      VectorMask<Float> m = F.indexInRange(o, outs);
      int from = o * positions;
      for (int p = 0, at = o; p < positions; p++, at += ld) {
        FloatVector.fromArray(F, staged, from + p, lanes, 0, m).intoArray(grads, at);
      }
    }
  }

  /** {@code sum[at + t * ld + o] +=} this band's products, tile by tile. */
  private static void accumulate(float[] image, int[] koff, int tapsPad, float[] grads, int ld,
      int rows, int ow, int width, float[] sum, int at) {
    for (int t = 0; t < tapsPad; t += TAPS) {
      int o = 0;
      for (; o + 2 * L <= ld; o += 2 * L) {
        if (TAPS == 8) {
          tile8x2(image, koff, t, grads, ld, o, rows, ow, width, sum, at + t * ld + o);
        } else {
          tile4x2(image, koff, t, grads, ld, o, rows, ow, width, sum, at + t * ld + o);
        }
      }
      if (o < ld) {
        if (TAPS == 8) {
          tile8x1(image, koff, t, grads, ld, o, rows, ow, width, sum, at + t * ld + o);
        } else {
          tile4x1(image, koff, t, grads, ld, o, rows, ow, width, sum, at + t * ld + o);
        }
      }
    }
  }

  /**
   * Taps {@code t .. t + 7} by output channels {@code o .. o + 2L - 1}: per position, one
   * broadcast image value per tap, two gradient vectors, 16 multiply-adds.
   */
  private static void tile8x2(float[] s, int[] koff, int t, float[] g, int ld, int o, int rows,
      int ow, int width, float[] c, int cOff) {
    FloatVector c00 = FloatVector.fromArray(F, c, cOff);
    FloatVector c01 = FloatVector.fromArray(F, c, cOff + L);
    FloatVector c10 = FloatVector.fromArray(F, c, cOff + ld);
    FloatVector c11 = FloatVector.fromArray(F, c, cOff + ld + L);
    FloatVector c20 = FloatVector.fromArray(F, c, cOff + 2 * ld);
    FloatVector c21 = FloatVector.fromArray(F, c, cOff + 2 * ld + L);
    FloatVector c30 = FloatVector.fromArray(F, c, cOff + 3 * ld);
    FloatVector c31 = FloatVector.fromArray(F, c, cOff + 3 * ld + L);
    FloatVector c40 = FloatVector.fromArray(F, c, cOff + 4 * ld);
    FloatVector c41 = FloatVector.fromArray(F, c, cOff + 4 * ld + L);
    FloatVector c50 = FloatVector.fromArray(F, c, cOff + 5 * ld);
    FloatVector c51 = FloatVector.fromArray(F, c, cOff + 5 * ld + L);
    FloatVector c60 = FloatVector.fromArray(F, c, cOff + 6 * ld);
    FloatVector c61 = FloatVector.fromArray(F, c, cOff + 6 * ld + L);
    FloatVector c70 = FloatVector.fromArray(F, c, cOff + 7 * ld);
    FloatVector c71 = FloatVector.fromArray(F, c, cOff + 7 * ld + L);
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    int k3 = koff[t + 3];
    int k4 = koff[t + 4];
    int k5 = koff[t + 5];
    int k6 = koff[t + 6];
    int k7 = koff[t + 7];
    for (int i = 0; i < rows; i++) {
      for (int j = 0, q = i * width, at = i * ow * ld + o; j < ow; j++, q++, at += ld) {
        FloatVector b0 = FloatVector.fromArray(F, g, at);
        FloatVector b1 = FloatVector.fromArray(F, g, at + L);
        FloatVector a = FloatVector.broadcast(F, s[k0 + q]);
        c00 = a.fma(b0, c00);
        c01 = a.fma(b1, c01);
        a = FloatVector.broadcast(F, s[k1 + q]);
        c10 = a.fma(b0, c10);
        c11 = a.fma(b1, c11);
        a = FloatVector.broadcast(F, s[k2 + q]);
        c20 = a.fma(b0, c20);
        c21 = a.fma(b1, c21);
        a = FloatVector.broadcast(F, s[k3 + q]);
        c30 = a.fma(b0, c30);
        c31 = a.fma(b1, c31);
        a = FloatVector.broadcast(F, s[k4 + q]);
        c40 = a.fma(b0, c40);
        c41 = a.fma(b1, c41);
        a = FloatVector.broadcast(F, s[k5 + q]);
        c50 = a.fma(b0, c50);
        c51 = a.fma(b1, c51);
        a = FloatVector.broadcast(F, s[k6 + q]);
        c60 = a.fma(b0, c60);
        c61 = a.fma(b1, c61);
        a = FloatVector.broadcast(F, s[k7 + q]);
        c70 = a.fma(b0, c70);
        c71 = a.fma(b1, c71);
      }
    }
    c00.intoArray(c, cOff);
    c01.intoArray(c, cOff + L);
    c10.intoArray(c, cOff + ld);
    c11.intoArray(c, cOff + ld + L);
    c20.intoArray(c, cOff + 2 * ld);
    c21.intoArray(c, cOff + 2 * ld + L);
    c30.intoArray(c, cOff + 3 * ld);
    c31.intoArray(c, cOff + 3 * ld + L);
    c40.intoArray(c, cOff + 4 * ld);
    c41.intoArray(c, cOff + 4 * ld + L);
    c50.intoArray(c, cOff + 5 * ld);
    c51.intoArray(c, cOff + 5 * ld + L);
    c60.intoArray(c, cOff + 6 * ld);
    c61.intoArray(c, cOff + 6 * ld + L);
    c70.intoArray(c, cOff + 7 * ld);
    c71.intoArray(c, cOff + 7 * ld + L);
  }

  /** Like {@link #tile8x2} for the last vector of output channels. */
  private static void tile8x1(float[] s, int[] koff, int t, float[] g, int ld, int o, int rows,
      int ow, int width, float[] c, int cOff) {
    FloatVector c0 = FloatVector.fromArray(F, c, cOff);
    FloatVector c1 = FloatVector.fromArray(F, c, cOff + ld);
    FloatVector c2 = FloatVector.fromArray(F, c, cOff + 2 * ld);
    FloatVector c3 = FloatVector.fromArray(F, c, cOff + 3 * ld);
    FloatVector c4 = FloatVector.fromArray(F, c, cOff + 4 * ld);
    FloatVector c5 = FloatVector.fromArray(F, c, cOff + 5 * ld);
    FloatVector c6 = FloatVector.fromArray(F, c, cOff + 6 * ld);
    FloatVector c7 = FloatVector.fromArray(F, c, cOff + 7 * ld);
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    int k3 = koff[t + 3];
    int k4 = koff[t + 4];
    int k5 = koff[t + 5];
    int k6 = koff[t + 6];
    int k7 = koff[t + 7];
    for (int i = 0; i < rows; i++) {
      for (int j = 0, q = i * width, at = i * ow * ld + o; j < ow; j++, q++, at += ld) {
        FloatVector b = FloatVector.fromArray(F, g, at);
        c0 = FloatVector.broadcast(F, s[k0 + q]).fma(b, c0);
        c1 = FloatVector.broadcast(F, s[k1 + q]).fma(b, c1);
        c2 = FloatVector.broadcast(F, s[k2 + q]).fma(b, c2);
        c3 = FloatVector.broadcast(F, s[k3 + q]).fma(b, c3);
        c4 = FloatVector.broadcast(F, s[k4 + q]).fma(b, c4);
        c5 = FloatVector.broadcast(F, s[k5 + q]).fma(b, c5);
        c6 = FloatVector.broadcast(F, s[k6 + q]).fma(b, c6);
        c7 = FloatVector.broadcast(F, s[k7 + q]).fma(b, c7);
      }
    }
    c0.intoArray(c, cOff);
    c1.intoArray(c, cOff + ld);
    c2.intoArray(c, cOff + 2 * ld);
    c3.intoArray(c, cOff + 3 * ld);
    c4.intoArray(c, cOff + 4 * ld);
    c5.intoArray(c, cOff + 5 * ld);
    c6.intoArray(c, cOff + 6 * ld);
    c7.intoArray(c, cOff + 7 * ld);
  }

  /** Like {@link #tile8x2} for taps {@code t .. t + 3}. */
  private static void tile4x2(float[] s, int[] koff, int t, float[] g, int ld, int o, int rows,
      int ow, int width, float[] c, int cOff) {
    FloatVector c00 = FloatVector.fromArray(F, c, cOff);
    FloatVector c01 = FloatVector.fromArray(F, c, cOff + L);
    FloatVector c10 = FloatVector.fromArray(F, c, cOff + ld);
    FloatVector c11 = FloatVector.fromArray(F, c, cOff + ld + L);
    FloatVector c20 = FloatVector.fromArray(F, c, cOff + 2 * ld);
    FloatVector c21 = FloatVector.fromArray(F, c, cOff + 2 * ld + L);
    FloatVector c30 = FloatVector.fromArray(F, c, cOff + 3 * ld);
    FloatVector c31 = FloatVector.fromArray(F, c, cOff + 3 * ld + L);
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    int k3 = koff[t + 3];
    for (int i = 0; i < rows; i++) {
      for (int j = 0, q = i * width, at = i * ow * ld + o; j < ow; j++, q++, at += ld) {
        FloatVector b0 = FloatVector.fromArray(F, g, at);
        FloatVector b1 = FloatVector.fromArray(F, g, at + L);
        FloatVector a = FloatVector.broadcast(F, s[k0 + q]);
        c00 = a.fma(b0, c00);
        c01 = a.fma(b1, c01);
        a = FloatVector.broadcast(F, s[k1 + q]);
        c10 = a.fma(b0, c10);
        c11 = a.fma(b1, c11);
        a = FloatVector.broadcast(F, s[k2 + q]);
        c20 = a.fma(b0, c20);
        c21 = a.fma(b1, c21);
        a = FloatVector.broadcast(F, s[k3 + q]);
        c30 = a.fma(b0, c30);
        c31 = a.fma(b1, c31);
      }
    }
    c00.intoArray(c, cOff);
    c01.intoArray(c, cOff + L);
    c10.intoArray(c, cOff + ld);
    c11.intoArray(c, cOff + ld + L);
    c20.intoArray(c, cOff + 2 * ld);
    c21.intoArray(c, cOff + 2 * ld + L);
    c30.intoArray(c, cOff + 3 * ld);
    c31.intoArray(c, cOff + 3 * ld + L);
  }

  /** Like {@link #tile4x2} for the last vector of output channels. */
  private static void tile4x1(float[] s, int[] koff, int t, float[] g, int ld, int o, int rows,
      int ow, int width, float[] c, int cOff) {
    FloatVector c0 = FloatVector.fromArray(F, c, cOff);
    FloatVector c1 = FloatVector.fromArray(F, c, cOff + ld);
    FloatVector c2 = FloatVector.fromArray(F, c, cOff + 2 * ld);
    FloatVector c3 = FloatVector.fromArray(F, c, cOff + 3 * ld);
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    int k3 = koff[t + 3];
    for (int i = 0; i < rows; i++) {
      for (int j = 0, q = i * width, at = i * ow * ld + o; j < ow; j++, q++, at += ld) {
        FloatVector b = FloatVector.fromArray(F, g, at);
        c0 = FloatVector.broadcast(F, s[k0 + q]).fma(b, c0);
        c1 = FloatVector.broadcast(F, s[k1 + q]).fma(b, c1);
        c2 = FloatVector.broadcast(F, s[k2 + q]).fma(b, c2);
        c3 = FloatVector.broadcast(F, s[k3 + q]).fma(b, c3);
      }
    }
    c0.intoArray(c, cOff);
    c1.intoArray(c, cOff + ld);
    c2.intoArray(c, cOff + 2 * ld);
    c3.intoArray(c, cOff + 3 * ld);
  }

  /** The element-wise sum of the threads' gradient copies (absent ones are skipped). */
  private static float[] add(float[][] sums, int length) {
    float[] total = new float[length];
    for (float[] sum : sums) {
      if (sum == null) {
        continue;
      }
      int i = 0;
      for (int bound = F.loopBound(length); i < bound; i += L) {
        FloatVector.fromArray(F, total, i).add(FloatVector.fromArray(F, sum, i))
            .intoArray(total, i);
      }
      for (; i < length; i++) {
        total[i] += sum[i];
      }
    }
    return total;
  }
}
