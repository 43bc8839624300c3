package dev.harmonics.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernel of the packed GEMM: an {@code MR x NR} block of C accumulated over
 * {@code kc} steps from an A micro-panel ({@code [kc][MR]}) and a B micro-panel ({@code [kc][NR]}).
 *
 * <p>NR is two vectors wide and MR rows tall, so the tile lives in {@code 2·MR} vector registers.
 * The sizes are measured, not guessed: with C2 on JDK 25 a tile of 12 accumulators (6 rows) ran
 * fastest; 16 accumulators (8 rows) made C2 spill the tile to the stack and run several times
 * slower. The tile is written to a small array afterwards; the epilogue reads it from L1.
 */
final class GemmMicroKernel {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;

  /** Columns of a tile: two vectors. */
  static final int NR = 2 * L;

  /** Rows of a tile. */
  static final int MR = 6;

  private GemmMicroKernel() {}

  /**
   * {@code tile[r * NR + j] = sum over p < kc of a[aOff + p * MR + r] * b[bOff + p * NR + j]}.
   */
  static void multiply(float[] a, int aOff, float[] b, int bOff, int kc, float[] tile) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[ai]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(S, a[ai + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(S, a[ai + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(S, a[ai + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(S, a[ai + 4]);
      c40 = b0.fma(x, c40);
      c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(S, a[ai + 5]);
      c50 = b0.fma(x, c50);
      c51 = b1.fma(x, c51);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
  }
}
