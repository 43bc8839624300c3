package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernel of the packed GEMM: an {@code MR x NR} block of C accumulated
 * over {@code kc} steps from an A micro-panel ({@code [kc][MR]}) and a B micro-panel ({@code
 * [kc][NR]}).
 *
 * <p>The tile is two vectors wide at every width (NR = 2 · LANES: 32, 16 or 8 floats) and {@link
 * #MR} rows tall: 6 where the JIT has 32 vector registers, 4 where it has 16 ({@link
 * SimdSpecies#VECTOR_REGISTERS}). C2 on JDK 25 schedules every broadcast of A in a K step ahead
 * of the FMAs that use it, so a step holds all its broadcasts at once: 6 rows take 12 accumulators,
 * two B vectors and six broadcasts, 20 registers. On an AVX2 machine (AMD Zen 3, 16 registers) it
 * spilled an accumulator to the stack every step and ran at 35-42 GFLOP/s on one core in L1,
 * 5 rows (17 registers) at 34, against 53-84 (74-84 in most runs) for 4 rows (14 registers) and
 * 95-100 for the FMA units' peak; whole products ran at 0.44-0.49 of OpenBLAS, whose own AVX2
 * tile is also 8 accumulators (16 x 4). With 32 registers the rows are measured, not guessed
 * (AVX-512 machine, best of repeated runs, kc = 256): at 512 bits 6 rows gave about 160 GFLOP/s
 * on one core, 4 rows 146 and 8 rows 128; at 256 bits 84, 77 and 52; at 128 bits 47, 42 and 25.
 * With 16 accumulators (26 registers with the broadcasts) C2 spilled there too, and writing C
 * straight from the registers (instead of through the small tile array) made it lose the register
 * tile entirely (about 17 GFLOP/s). The tile therefore goes to an array afterwards, and is reloaded
 * from it to continue the sum over the next K chunk; the epilogue reads it from L1.
 *
 * <p>B comes from a 64-byte aligned off-heap segment rather than a {@code float[]}: a Java array's
 * elements start 16 bytes past its (8-byte aligned) header, so every 64-byte load of a B row from
 * an array straddled two cache lines. Aligned, the loop nest over packed panels ran 5-6% faster
 * (2048³ 145 -> 152 GFLOP/s, 512³ 152 -> 160).
 */
final class GemmMicroKernel {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** Bytes of one K step of a B micro-panel. */
  private static final long B_STEP_BYTES = (long) 2 * L * Float.BYTES;
  private static final long HALF_STEP_BYTES = (long) L * Float.BYTES;

  /** Columns of a tile: two vectors of the species, so the shape follows the vector width. */
  static final int NR = 2 * L;

  /** Rows of a tile: as many as the vector registers hold without spilling. */
  static final int MR = SimdSpecies.VECTOR_REGISTERS >= 32 ? 6 : 4;

  private GemmMicroKernel() {}

  /**
   * {@code acc[accOff + r * NR + j] (+)= sum over p < kc of a[aOff + p * MR + r] * B(p, j)}, where
   * {@code B(p, j)} is the float at byte {@code bAt + (p * NR + j) * 4} of {@code b}: starts from
   * zero, or from the values in {@code acc} when {@code accumulate}.
   */
  static void multiply(float[] a, int aOff, MemorySegment b, long bAt, int kc, float[] acc,
      int accOff, boolean accumulate) {
    if (MR == 4) {
      multiplyFourRows(a, aOff, b, bAt, kc, acc, accOff, accumulate);
      return;
    }
    FloatVector c00;
    FloatVector c01;
    FloatVector c10;
    FloatVector c11;
    FloatVector c20;
    FloatVector c21;
    FloatVector c30;
    FloatVector c31;
    FloatVector c40;
    FloatVector c41;
    FloatVector c50;
    FloatVector c51;
    if (accumulate) {
      c00 = FloatVector.fromArray(S, acc, accOff);
      c01 = FloatVector.fromArray(S, acc, accOff + L);
      c10 = FloatVector.fromArray(S, acc, accOff + NR);
      c11 = FloatVector.fromArray(S, acc, accOff + NR + L);
      c20 = FloatVector.fromArray(S, acc, accOff + 2 * NR);
      c21 = FloatVector.fromArray(S, acc, accOff + 2 * NR + L);
      c30 = FloatVector.fromArray(S, acc, accOff + 3 * NR);
      c31 = FloatVector.fromArray(S, acc, accOff + 3 * NR + L);
      c40 = FloatVector.fromArray(S, acc, accOff + 4 * NR);
      c41 = FloatVector.fromArray(S, acc, accOff + 4 * NR + L);
      c50 = FloatVector.fromArray(S, acc, accOff + 5 * NR);
      c51 = FloatVector.fromArray(S, acc, accOff + 5 * NR + L);
    } else {
      c00 = FloatVector.zero(S);
      c01 = c00;
      c10 = c00;
      c11 = c00;
      c20 = c00;
      c21 = c00;
      c30 = c00;
      c31 = c00;
      c40 = c00;
      c41 = c00;
      c50 = c00;
      c51 = c00;
    }
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      long bi = bAt + p * B_STEP_BYTES;
      FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, ORDER);
      FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + HALF_STEP_BYTES, ORDER);
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
    c00.intoArray(acc, accOff);
    c01.intoArray(acc, accOff + L);
    c10.intoArray(acc, accOff + NR);
    c11.intoArray(acc, accOff + NR + L);
    c20.intoArray(acc, accOff + 2 * NR);
    c21.intoArray(acc, accOff + 2 * NR + L);
    c30.intoArray(acc, accOff + 3 * NR);
    c31.intoArray(acc, accOff + 3 * NR + L);
    c40.intoArray(acc, accOff + 4 * NR);
    c41.intoArray(acc, accOff + 4 * NR + L);
    c50.intoArray(acc, accOff + 5 * NR);
    c51.intoArray(acc, accOff + 5 * NR + L);
  }

  /** {@link #multiply} for a tile of four rows. */
  private static void multiplyFourRows(float[] a, int aOff, MemorySegment b, long bAt, int kc,
      float[] acc, int accOff, boolean accumulate) {
    FloatVector c00;
    FloatVector c01;
    FloatVector c10;
    FloatVector c11;
    FloatVector c20;
    FloatVector c21;
    FloatVector c30;
    FloatVector c31;
    if (accumulate) {
      c00 = FloatVector.fromArray(S, acc, accOff);
      c01 = FloatVector.fromArray(S, acc, accOff + L);
      c10 = FloatVector.fromArray(S, acc, accOff + NR);
      c11 = FloatVector.fromArray(S, acc, accOff + NR + L);
      c20 = FloatVector.fromArray(S, acc, accOff + 2 * NR);
      c21 = FloatVector.fromArray(S, acc, accOff + 2 * NR + L);
      c30 = FloatVector.fromArray(S, acc, accOff + 3 * NR);
      c31 = FloatVector.fromArray(S, acc, accOff + 3 * NR + L);
    } else {
      c00 = FloatVector.zero(S);
      c01 = c00;
      c10 = c00;
      c11 = c00;
      c20 = c00;
      c21 = c00;
      c30 = c00;
      c31 = c00;
    }
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      long bi = bAt + p * B_STEP_BYTES;
      FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, ORDER);
      FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + HALF_STEP_BYTES, ORDER);
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
    }
    c00.intoArray(acc, accOff);
    c01.intoArray(acc, accOff + L);
    c10.intoArray(acc, accOff + NR);
    c11.intoArray(acc, accOff + NR + L);
    c20.intoArray(acc, accOff + 2 * NR);
    c21.intoArray(acc, accOff + 2 * NR + L);
    c30.intoArray(acc, accOff + 3 * NR);
    c31.intoArray(acc, accOff + 3 * NR + L);
  }
}
