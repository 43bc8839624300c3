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
 * products are vectorised along them, 4 output channels by 4 taps at a time, and reduced across
 * lanes once per band.
 *
 * <p>The virtual columns of the image layout are masked out of the image loads: they hold real
 * input values that this tap never meets, and {@code 0 * inf} would otherwise turn a finite
 * gradient into NaN. Tasks own disjoint blocks of {@code dw} (a group, a block of input channels
 * and a block of output channels), so threads never combine partial sums.
 */
final class ConvBackwardWeight {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /** Floats of image band per task: a band stays in the L2 cache while all its taps are used. */
  private static final int BAND_FLOATS = 1 << 16;
  private static final int TILE = 4;

  private ConvBackwardWeight() {}

  /** Overwrites {@code dw} with the weight gradient for forward geometry {@code g}. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw) {
    int cg = g.cg();
    int og = g.og();
    int kernelTaps = g.kh() * g.kw();
    int threads = KernelPool.shared().parallelism();
    int cBlock = Math.ceilDiv(cg, Math.clamp(Math.ceilDiv(4 * threads, g.groups()), 1, cg));
    int cBlocks = Math.ceilDiv(cg, cBlock);
    int oSplit = Math.clamp(Math.ceilDiv(4 * threads, g.groups() * cBlocks), 1,
        Math.ceilDiv(og, TILE));
    int oBlock = Math.min(og, Math.ceilDiv(Math.ceilDiv(og, oSplit), TILE) * TILE);
    int oBlocks = Math.ceilDiv(og, oBlock);

    int[] rowOffsets = ConvForward.offsets(g.kh(), g.dilationH());
    int[] colOffsets = ConvForward.offsets(g.kw(), g.dilationW());
    int width = g.ow() + colOffsets[colOffsets.length - 1] / g.strideW();
    int phases = ConvImage.phases(rowOffsets, g.strideH())
        * ConvImage.phases(colOffsets, g.strideW());
    int halo = rowOffsets[rowOffsets.length - 1] / g.strideH();
    int band = Math.clamp(BAND_FLOATS / ((long) cBlock * phases * width) - halo, 1, g.oh());
    ConvImage image = new ConvImage(g.h(), g.w(), g.strideH(), g.strideW(), g.padH(), g.padW(),
        rowOffsets, colOffsets, band, width, 2 * ConvMatmul.NR + width);
    int blockTaps = cBlock * kernelTaps;
    int[] koff = new int[Math.ceilDiv(blockTaps, TILE) * TILE];
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
    double flops = g.flops();
    KernelPool.shared().parallelFor(tasks, ConvBands.grain(tasks, flops), (from, to) -> {
      NchwScratch scratch = NchwScratch.get();
      float[] band0 = scratch.packedB(image.size(cBlock));
      float[] grads = scratch.columns(oBlock * ldq);
      float[] acc = scratch.outputs(oBlock * blockTaps);
      float[] sums = new float[TILE * TILE];
      for (int task = from; task < to; task++) {
        int group = task / (cBlocks * oBlocks);
        int c0 = (task / oBlocks) % cBlocks * cBlock;
        int o0 = task % oBlocks * oBlock;
        int channels = Math.min(cBlock, cg - c0);
        int outs = Math.min(oBlock, og - o0);
        int taps = channels * kernelTaps;
        Arrays.fill(acc, 0, outs * taps, 0f);
        for (int n = 0; n < g.n(); n++) {
          for (int b = 0; b < bands; b++) {
            int r0 = b * band;
            int rows = Math.min(band, g.oh() - r0);
            image.fill(x, ((long) n * g.c() + (long) group * cg + c0) * g.h() * g.w(), channels,
                r0, band0);
            long dyBase = ((long) n * g.o() + (long) group * og + o0) * g.oh() * g.ow();
            spread(dy, dyBase, outs, g.oh(), g.ow(), r0, rows, width, ldq, grads);
            boolean[] valid = b == bands - 1 ? lastBand : fullBand;
            accumulate(grads, outs, ldq, band0, koff, taps, valid, acc, sums);
          }
        }
        for (int o = 0; o < outs; o++) {
          long at = (long) (group * og + o0 + o) * cg * kernelTaps + (long) c0 * kernelTaps;
          MemorySegment.copy(acc, o * taps, dw, FLOAT, at * Float.BYTES, taps);
        }
      }
    });
  }

  /** {@code acc[o * taps + t] += sum over q of grads[o, q] * image[koff[t] + q]}, valid q only. */
  private static void accumulate(float[] grads, int outs, int ldq, float[] image, int[] koff,
      int taps, boolean[] valid, float[] acc, float[] sums) {
    int fullOuts = outs - outs % TILE;
    for (int t = 0; t < taps; t += TILE) {
      int tapsHere = Math.min(TILE, taps - t);
      for (int o = 0; o < fullOuts; o += TILE) {
        dot4x4(grads, o * ldq, ldq, image, koff, t, valid, sums);
        for (int i = 0; i < TILE; i++) {
          for (int j = 0; j < tapsHere; j++) {
            acc[(o + i) * taps + t + j] += sums[i * TILE + j];
          }
        }
      }
      for (int o = fullOuts; o < outs; o++) {
        dot1x4(grads, o * ldq, ldq, image, koff, t, valid, sums);
        for (int j = 0; j < tapsHere; j++) {
          acc[o * taps + t + j] += sums[j];
        }
      }
    }
  }

  private static void dot4x4(float[] d, int dOff, int ldq, float[] s, int[] koff, int t,
      boolean[] valid, float[] sums) {
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a03 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a13 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a23 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    FloatVector a33 = a00;
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    int k3 = koff[t + 3];
    for (int q = 0; q < ldq; q += L) {
      VectorMask<Float> m = VectorMask.fromArray(F, valid, q);
      FloatVector s0 = FloatVector.fromArray(F, s, k0 + q, m);
      FloatVector s1 = FloatVector.fromArray(F, s, k1 + q, m);
      FloatVector s2 = FloatVector.fromArray(F, s, k2 + q, m);
      FloatVector s3 = FloatVector.fromArray(F, s, k3 + q, m);
      FloatVector d0 = FloatVector.fromArray(F, d, dOff + q);
      a00 = d0.fma(s0, a00);
      a01 = d0.fma(s1, a01);
      a02 = d0.fma(s2, a02);
      a03 = d0.fma(s3, a03);
      FloatVector d1 = FloatVector.fromArray(F, d, dOff + ldq + q);
      a10 = d1.fma(s0, a10);
      a11 = d1.fma(s1, a11);
      a12 = d1.fma(s2, a12);
      a13 = d1.fma(s3, a13);
      FloatVector d2 = FloatVector.fromArray(F, d, dOff + 2 * ldq + q);
      a20 = d2.fma(s0, a20);
      a21 = d2.fma(s1, a21);
      a22 = d2.fma(s2, a22);
      a23 = d2.fma(s3, a23);
      FloatVector d3 = FloatVector.fromArray(F, d, dOff + 3 * ldq + q);
      a30 = d3.fma(s0, a30);
      a31 = d3.fma(s1, a31);
      a32 = d3.fma(s2, a32);
      a33 = d3.fma(s3, a33);
    }
    sums[0] = a00.reduceLanes(VectorOperators.ADD);
    sums[1] = a01.reduceLanes(VectorOperators.ADD);
    sums[2] = a02.reduceLanes(VectorOperators.ADD);
    sums[3] = a03.reduceLanes(VectorOperators.ADD);
    sums[4] = a10.reduceLanes(VectorOperators.ADD);
    sums[5] = a11.reduceLanes(VectorOperators.ADD);
    sums[6] = a12.reduceLanes(VectorOperators.ADD);
    sums[7] = a13.reduceLanes(VectorOperators.ADD);
    sums[8] = a20.reduceLanes(VectorOperators.ADD);
    sums[9] = a21.reduceLanes(VectorOperators.ADD);
    sums[10] = a22.reduceLanes(VectorOperators.ADD);
    sums[11] = a23.reduceLanes(VectorOperators.ADD);
    sums[12] = a30.reduceLanes(VectorOperators.ADD);
    sums[13] = a31.reduceLanes(VectorOperators.ADD);
    sums[14] = a32.reduceLanes(VectorOperators.ADD);
    sums[15] = a33.reduceLanes(VectorOperators.ADD);
  }

  private static void dot1x4(float[] d, int dOff, int ldq, float[] s, int[] koff, int t,
      boolean[] valid, float[] sums) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int k0 = koff[t];
    int k1 = koff[t + 1];
    int k2 = koff[t + 2];
    int k3 = koff[t + 3];
    for (int q = 0; q < ldq; q += L) {
      VectorMask<Float> m = VectorMask.fromArray(F, valid, q);
      FloatVector d0 = FloatVector.fromArray(F, d, dOff + q);
      a0 = d0.fma(FloatVector.fromArray(F, s, k0 + q, m), a0);
      a1 = d0.fma(FloatVector.fromArray(F, s, k1 + q, m), a1);
      a2 = d0.fma(FloatVector.fromArray(F, s, k2 + q, m), a2);
      a3 = d0.fma(FloatVector.fromArray(F, s, k3 + q, m), a3);
    }
    sums[0] = a0.reduceLanes(VectorOperators.ADD);
    sums[1] = a1.reduceLanes(VectorOperators.ADD);
    sums[2] = a2.reduceLanes(VectorOperators.ADD);
    sums[3] = a3.reduceLanes(VectorOperators.ADD);
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
        MemorySegment.copy(dy, FLOAT, (base + ((long) o * oh + r0 + i) * ow) * Float.BYTES,
            grads, row, ow);
        Arrays.fill(grads, row + ow, row + width, 0f);
      }
      Arrays.fill(grads, row, o * ldq + ldq, 0f);
    }
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
