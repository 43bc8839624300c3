package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled products for the convolutions: {@code C = A * B} where {@code A} is packed weights
 * and {@code B} is the implicit im2col of a {@link ConvImage}: row {@code t} of {@code B}, from
 * column {@code q} on, is the contiguous run {@code image[koff[t] + q ...]}. A call copies the
 * {@link #NR} columns from {@code q} into a contiguous panel (cheap: one copy serves every row
 * block, and it turns scattered, bounds-checked loads into a sequential stream the tile loop reads
 * about 25% faster), then computes tiles of {@link #MR} rows by {@code NR} columns, keeping each
 * tile in registers, and stores them into a row-major float array. Leftover rows take one row at a
 * time, and products with fewer than {@code MR} rows skip the panel.
 */
final class ConvMatmul {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /**
   * Rows of a full tile: 8 rows of 2 vectors is 16 accumulators, 26 registers with the broadcasts
   * of a tap ({@link GemmMicroKernel} explains the count), within AVX-512's 32. With 16 registers
   * (AVX2) C2 spilled that tile, and 4 rows take its place: the ResNet 3x3 layers on a Zen 3 core
   * ran at 0.53-0.70 of im2col + OpenBLAS with 8 rows.
   */
  static final int MR = SimdSpecies.VECTOR_REGISTERS >= 32 ? 8 : 4;
  /** Columns of a tile. */
  static final int NR = 2 * L;
  /**
   * Taps per pass over a tile: {@code KC * NR} floats of panel (16 KB at 16 lanes) stay in the L1
   * cache while every row block uses them; the tile is reloaded from {@code c} between passes.
   */
  private static final int KC = 128;

  private ConvMatmul() {}

  /**
   * Packs {@code rows} rows of {@code taps} weights into {@code dst}: full groups of {@link #MR}
   * rows interleaved tap by tap ({@code [block][t][MR]}), then each remaining row as a plain run.
   * Element {@code (r, t)} is {@code w[base + rowBase[r] + tapOffset[t]]}.
   */
  static void pack(MemorySegment w, long base, int[] rowBase, int rows, int[] tapOffset,
      int taps, float[] dst) {
    int full = rows - rows % MR;
    int at = 0;
    for (int r0 = 0; r0 < full; r0 += MR) {
      for (int t = 0; t < taps; t++) {
        for (int i = 0; i < MR; i++) {
          dst[at++] = w.getAtIndex(FLOAT, base + rowBase[r0 + i] + tapOffset[t]);
        }
      }
    }
    for (int r = full; r < rows; r++) {
      for (int t = 0; t < taps; t++) {
        dst[at++] = w.getAtIndex(FLOAT, base + rowBase[r] + tapOffset[t]);
      }
    }
  }

  /** Where packed row group {@code r0} (a multiple of {@link #MR}) or tail row {@code r} starts. */
  private static int packedRow(int r, int taps) {
    return r * taps;
  }

  /**
   * Multiplies {@code rows} packed rows by the {@code NR} image columns from {@code q}, writing row
   * {@code r} of the result to {@code c[cOff + r * ldc ...]}.
   */
  static void multiply(float[] a, int rows, int taps, float[] image, int[] koff, int q,
      float[] panel, float[] c, int cOff, int ldc) {
    if (rows < MR) {
      for (int r = 0; r < rows; r++) {
        row(a, packedRow(r, taps), taps, image, koff, q, c, cOff + r * ldc);
      }
      return;
    }
    for (int t = 0, at = 0; t < taps; t++, at += NR) {
      int from = koff[t] + q;
      FloatVector.fromArray(F, image, from).intoArray(panel, at);
      FloatVector.fromArray(F, image, from + L).intoArray(panel, at + L);
    }
    int full = rows - rows % MR;
    for (int k0 = 0; k0 < Math.max(1, taps); k0 += KC) {
      int k = Math.min(KC, taps - k0);
      boolean accumulate = k0 > 0;
      for (int r0 = 0; r0 < full; r0 += MR) {
        if (MR == 8) {
          tile8(a, packedRow(r0, taps) + k0 * MR, k, panel, k0 * NR, accumulate, c,
              cOff + r0 * ldc, ldc);
        } else {
          tile4(a, packedRow(r0, taps) + k0 * MR, k, panel, k0 * NR, accumulate, c,
              cOff + r0 * ldc, ldc);
        }
      }
      for (int r = full; r < rows; r++) {
        tile1(a, packedRow(r, taps) + k0, k, panel, k0 * NR, accumulate, c, cOff + r * ldc);
      }
    }
  }

  private static void tile8(float[] a, int aOff, int taps, float[] panel, int pOff,
      boolean accumulate, float[] c, int cOff, int ldc) {
    FloatVector c00 = start(accumulate, c, cOff);
    FloatVector c01 = start(accumulate, c, cOff + L);
    FloatVector c10 = start(accumulate, c, cOff + ldc);
    FloatVector c11 = start(accumulate, c, cOff + ldc + L);
    FloatVector c20 = start(accumulate, c, cOff + 2 * ldc);
    FloatVector c21 = start(accumulate, c, cOff + 2 * ldc + L);
    FloatVector c30 = start(accumulate, c, cOff + 3 * ldc);
    FloatVector c31 = start(accumulate, c, cOff + 3 * ldc + L);
    FloatVector c40 = start(accumulate, c, cOff + 4 * ldc);
    FloatVector c41 = start(accumulate, c, cOff + 4 * ldc + L);
    FloatVector c50 = start(accumulate, c, cOff + 5 * ldc);
    FloatVector c51 = start(accumulate, c, cOff + 5 * ldc + L);
    FloatVector c60 = start(accumulate, c, cOff + 6 * ldc);
    FloatVector c61 = start(accumulate, c, cOff + 6 * ldc + L);
    FloatVector c70 = start(accumulate, c, cOff + 7 * ldc);
    FloatVector c71 = start(accumulate, c, cOff + 7 * ldc + L);
    for (int t = 0, ao = aOff, bo = pOff; t < taps; t++, ao += MR, bo += NR) {
      FloatVector b0 = FloatVector.fromArray(F, panel, bo);
      FloatVector b1 = FloatVector.fromArray(F, panel, bo + L);
      FloatVector w = FloatVector.broadcast(F, a[ao]);
      c00 = w.fma(b0, c00);
      c01 = w.fma(b1, c01);
      w = FloatVector.broadcast(F, a[ao + 1]);
      c10 = w.fma(b0, c10);
      c11 = w.fma(b1, c11);
      w = FloatVector.broadcast(F, a[ao + 2]);
      c20 = w.fma(b0, c20);
      c21 = w.fma(b1, c21);
      w = FloatVector.broadcast(F, a[ao + 3]);
      c30 = w.fma(b0, c30);
      c31 = w.fma(b1, c31);
      w = FloatVector.broadcast(F, a[ao + 4]);
      c40 = w.fma(b0, c40);
      c41 = w.fma(b1, c41);
      w = FloatVector.broadcast(F, a[ao + 5]);
      c50 = w.fma(b0, c50);
      c51 = w.fma(b1, c51);
      w = FloatVector.broadcast(F, a[ao + 6]);
      c60 = w.fma(b0, c60);
      c61 = w.fma(b1, c61);
      w = FloatVector.broadcast(F, a[ao + 7]);
      c70 = w.fma(b0, c70);
      c71 = w.fma(b1, c71);
    }
    c00.intoArray(c, cOff);
    c01.intoArray(c, cOff + L);
    c10.intoArray(c, cOff + ldc);
    c11.intoArray(c, cOff + ldc + L);
    c20.intoArray(c, cOff + 2 * ldc);
    c21.intoArray(c, cOff + 2 * ldc + L);
    c30.intoArray(c, cOff + 3 * ldc);
    c31.intoArray(c, cOff + 3 * ldc + L);
    c40.intoArray(c, cOff + 4 * ldc);
    c41.intoArray(c, cOff + 4 * ldc + L);
    c50.intoArray(c, cOff + 5 * ldc);
    c51.intoArray(c, cOff + 5 * ldc + L);
    c60.intoArray(c, cOff + 6 * ldc);
    c61.intoArray(c, cOff + 6 * ldc + L);
    c70.intoArray(c, cOff + 7 * ldc);
    c71.intoArray(c, cOff + 7 * ldc + L);
  }

  private static void tile4(float[] a, int aOff, int taps, float[] panel, int pOff,
      boolean accumulate, float[] c, int cOff, int ldc) {
    FloatVector c00 = start(accumulate, c, cOff);
    FloatVector c01 = start(accumulate, c, cOff + L);
    FloatVector c10 = start(accumulate, c, cOff + ldc);
    FloatVector c11 = start(accumulate, c, cOff + ldc + L);
    FloatVector c20 = start(accumulate, c, cOff + 2 * ldc);
    FloatVector c21 = start(accumulate, c, cOff + 2 * ldc + L);
    FloatVector c30 = start(accumulate, c, cOff + 3 * ldc);
    FloatVector c31 = start(accumulate, c, cOff + 3 * ldc + L);
    for (int t = 0, ao = aOff, bo = pOff; t < taps; t++, ao += MR, bo += NR) {
      FloatVector b0 = FloatVector.fromArray(F, panel, bo);
      FloatVector b1 = FloatVector.fromArray(F, panel, bo + L);
      FloatVector w = FloatVector.broadcast(F, a[ao]);
      c00 = w.fma(b0, c00);
      c01 = w.fma(b1, c01);
      w = FloatVector.broadcast(F, a[ao + 1]);
      c10 = w.fma(b0, c10);
      c11 = w.fma(b1, c11);
      w = FloatVector.broadcast(F, a[ao + 2]);
      c20 = w.fma(b0, c20);
      c21 = w.fma(b1, c21);
      w = FloatVector.broadcast(F, a[ao + 3]);
      c30 = w.fma(b0, c30);
      c31 = w.fma(b1, c31);
    }
    c00.intoArray(c, cOff);
    c01.intoArray(c, cOff + L);
    c10.intoArray(c, cOff + ldc);
    c11.intoArray(c, cOff + ldc + L);
    c20.intoArray(c, cOff + 2 * ldc);
    c21.intoArray(c, cOff + 2 * ldc + L);
    c30.intoArray(c, cOff + 3 * ldc);
    c31.intoArray(c, cOff + 3 * ldc + L);
  }

  private static void tile1(float[] a, int aOff, int taps, float[] panel, int pOff,
      boolean accumulate, float[] c, int cOff) {
    FloatVector c0 = start(accumulate, c, cOff);
    FloatVector c1 = start(accumulate, c, cOff + L);
    for (int t = 0, bo = pOff; t < taps; t++, bo += NR) {
      FloatVector w = FloatVector.broadcast(F, a[aOff + t]);
      c0 = w.fma(FloatVector.fromArray(F, panel, bo), c0);
      c1 = w.fma(FloatVector.fromArray(F, panel, bo + L), c1);
    }
    c0.intoArray(c, cOff);
    c1.intoArray(c, cOff + L);
  }

  /**
   * One row straight from the image, for products too thin (depthwise, a few channels per group)
   * for a panel copy to pay off.
   */
  private static void row(float[] a, int aOff, int taps, float[] image, int[] koff, int q,
      float[] c, int cOff) {
    FloatVector c0 = FloatVector.zero(F);
    FloatVector c1 = c0;
    for (int t = 0; t < taps; t++) {
      int bo = koff[t] + q;
      FloatVector w = FloatVector.broadcast(F, a[aOff + t]);
      c0 = w.fma(FloatVector.fromArray(F, image, bo), c0);
      c1 = w.fma(FloatVector.fromArray(F, image, bo + L), c1);
    }
    c0.intoArray(c, cOff);
    c1.intoArray(c, cOff + L);
  }

  /** A tile's starting value: the previous pass's sums, or zero. */
  private static FloatVector start(boolean accumulate, float[] c, int at) {
    return accumulate ? FloatVector.fromArray(F, c, at) : FloatVector.zero(F);
  }
}
