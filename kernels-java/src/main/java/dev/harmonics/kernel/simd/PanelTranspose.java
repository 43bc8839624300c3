package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.MR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes {@code MR} (six or four) staged rows of A into the {@code [p][r]} order of an A panel
 * with two-source lane selects instead of gathers: a gather of 16 lanes costs about as much as
 * sixteen loads, a two-source select one shuffle.
 *
 * <p>{@code LANES} K steps of the six rows make six output vectors. First the rows are paired
 * (rows 0-1, 2-3, 4-5), each pair interleaved into two vectors, one per half of the K steps; an
 * output vector then lies in one half and draws from its three pair vectors, two selects each.
 * Eighteen selects per {@code 6 · LANES} floats; the lane indices are computed once. Four rows
 * make two pairs, and each output vector is one select of its two pair vectors.
 */
final class PanelTranspose {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** Stage 1, per half: lane {@code l} takes K step {@code l / 2} of the half from row pair
   *  member {@code l % 2}. */
  private static final float[] PAIR = new float[2 * L];
  /**
   * Stage 2, per output vector, two steps: from pair vectors 0 and 1, then adding pair 2 (the
   * second step is the identity with four rows, and unused).
   */
  private static final float[] OUTPUT = new float[MR * 2 * L];

  static {
    for (int half = 0; half < 2; half++) {
      for (int l = 0; l < L; l++) {
        PAIR[half * L + l] = half * L / 2 + l / 2 + (l % 2) * L;
      }
    }
    for (int v = 0; v < MR; v++) {
      int half = v / (MR / 2);
      for (int l = 0; l < L; l++) {
        int t = v * L + l;
        int p = t / MR;
        int r = t % MR;
        int pair = r / 2;
        int position = (p - half * L / 2) * 2 + r % 2;
        OUTPUT[(v * 2) * L + l] = pair == 0 ? position : pair == 1 ? L + position : 0;
        OUTPUT[(v * 2 + 1) * L + l] = pair == 2 ? L + position : l;
      }
    }
  }

  private PanelTranspose() {}

  /**
   * Writes {@code kc} K steps of the rows {@code rows[r * kc + p]} ({@code r < MR}) to {@code dst}
   * from {@code at} as {@code dst[at + p * MR + r]}.
   */
  static void apply(float[] rows, int kc, float[] dst, int at) {
    if (MR == 4) {
      applyFourRows(rows, kc, dst, at);
      return;
    }
    FloatVector pairLow = FloatVector.fromArray(S, PAIR, 0);
    FloatVector pairHigh = FloatVector.fromArray(S, PAIR, L);
    int bulk = kc - kc % L;
    for (int p = 0; p < bulk; p += L) {
      FloatVector r0 = FloatVector.fromArray(S, rows, p);
      FloatVector r1 = FloatVector.fromArray(S, rows, kc + p);
      FloatVector r2 = FloatVector.fromArray(S, rows, 2 * kc + p);
      FloatVector r3 = FloatVector.fromArray(S, rows, 3 * kc + p);
      FloatVector r4 = FloatVector.fromArray(S, rows, 4 * kc + p);
      FloatVector r5 = FloatVector.fromArray(S, rows, 5 * kc + p);
      FloatVector pair0Low = pairLow.selectFrom(r0, r1);
      FloatVector pair1Low = pairLow.selectFrom(r2, r3);
      FloatVector pair2Low = pairLow.selectFrom(r4, r5);
      FloatVector pair0High = pairHigh.selectFrom(r0, r1);
      FloatVector pair1High = pairHigh.selectFrom(r2, r3);
      FloatVector pair2High = pairHigh.selectFrom(r4, r5);
      int d = at + p * MR;
      store(0, pair0Low, pair1Low, pair2Low, dst, d);
      store(1, pair0Low, pair1Low, pair2Low, dst, d);
      store(2, pair0Low, pair1Low, pair2Low, dst, d);
      store(3, pair0High, pair1High, pair2High, dst, d);
      store(4, pair0High, pair1High, pair2High, dst, d);
      store(5, pair0High, pair1High, pair2High, dst, d);
    }
    transposeTail(rows, kc, bulk, dst, at);
  }

  /**
   * The same for MR rows read straight from a segment: element {@code (r, p)} is the float at
   * byte {@code start + r * rowBytes + p * 4}, so no row is staged by a bulk copy first (one
   * thread against OpenBLAS: 256³ 0.95 against 0.93, 512³ 0.95-0.98 against 0.95). The body is
   * not shared with the array version through a helper taking the row vectors: that version lost
   * a sixth of the whole product at 128 x 784 x 256.
   */
  static void apply(MemorySegment src, long start, long rowBytes, int kc, float[] dst, int at) {
    if (MR == 4) {
      applyFourRows(src, start, rowBytes, kc, dst, at);
      return;
    }
    FloatVector pairLow = FloatVector.fromArray(S, PAIR, 0);
    FloatVector pairHigh = FloatVector.fromArray(S, PAIR, L);
    int bulk = kc - kc % L;
    for (int p = 0; p < bulk; p += L) {
      long from = start + (long) p * Float.BYTES;
      FloatVector r0 = FloatVector.fromMemorySegment(S, src, from, ORDER);
      FloatVector r1 = FloatVector.fromMemorySegment(S, src, from + rowBytes, ORDER);
      FloatVector r2 = FloatVector.fromMemorySegment(S, src, from + 2 * rowBytes, ORDER);
      FloatVector r3 = FloatVector.fromMemorySegment(S, src, from + 3 * rowBytes, ORDER);
      FloatVector r4 = FloatVector.fromMemorySegment(S, src, from + 4 * rowBytes, ORDER);
      FloatVector r5 = FloatVector.fromMemorySegment(S, src, from + 5 * rowBytes, ORDER);
      FloatVector pair0Low = pairLow.selectFrom(r0, r1);
      FloatVector pair1Low = pairLow.selectFrom(r2, r3);
      FloatVector pair2Low = pairLow.selectFrom(r4, r5);
      FloatVector pair0High = pairHigh.selectFrom(r0, r1);
      FloatVector pair1High = pairHigh.selectFrom(r2, r3);
      FloatVector pair2High = pairHigh.selectFrom(r4, r5);
      int d = at + p * MR;
      store(0, pair0Low, pair1Low, pair2Low, dst, d);
      store(1, pair0Low, pair1Low, pair2Low, dst, d);
      store(2, pair0Low, pair1Low, pair2Low, dst, d);
      store(3, pair0High, pair1High, pair2High, dst, d);
      store(4, pair0High, pair1High, pair2High, dst, d);
      store(5, pair0High, pair1High, pair2High, dst, d);
    }
    transposeTail(src, start, rowBytes, kc, bulk, dst, at);
  }

  /** K steps {@code [from, kc)} of the staged rows one element at a time, after the vectors. */
  private static void transposeTail(float[] rows, int kc, int from, float[] dst, int at) {
    for (int p = from; p < kc; p++) {
      for (int r = 0; r < MR; r++) {
        dst[at + p * MR + r] = rows[r * kc + p];
      }
    }
  }

  /** The same for rows read straight from a segment. */
  private static void transposeTail(MemorySegment src, long start, long rowBytes, int kc,
      int from, float[] dst, int at) {
    for (int p = from; p < kc; p++) {
      for (int r = 0; r < MR; r++) {
        dst[at + p * MR + r] = src.get(ValueLayout.JAVA_FLOAT_UNALIGNED,
            start + r * rowBytes + (long) p * Float.BYTES);
      }
    }
  }

  private static void store(int v, FloatVector pair0, FloatVector pair1, FloatVector pair2,
      float[] dst, int d) {
    FloatVector first = FloatVector.fromArray(S, OUTPUT, (v * 2) * L).selectFrom(pair0, pair1);
    FloatVector.fromArray(S, OUTPUT, (v * 2 + 1) * L).selectFrom(first, pair2)
        .intoArray(dst, d + v * L);
  }

  private static void applyFourRows(float[] rows, int kc, float[] dst, int at) {
    FloatVector pairLow = FloatVector.fromArray(S, PAIR, 0);
    FloatVector pairHigh = FloatVector.fromArray(S, PAIR, L);
    int bulk = kc - kc % L;
    for (int p = 0; p < bulk; p += L) {
      FloatVector r0 = FloatVector.fromArray(S, rows, p);
      FloatVector r1 = FloatVector.fromArray(S, rows, kc + p);
      FloatVector r2 = FloatVector.fromArray(S, rows, 2 * kc + p);
      FloatVector r3 = FloatVector.fromArray(S, rows, 3 * kc + p);
      storeFourRows(pairLow.selectFrom(r0, r1), pairLow.selectFrom(r2, r3),
          pairHigh.selectFrom(r0, r1), pairHigh.selectFrom(r2, r3), dst, at + p * MR);
    }
    transposeTail(rows, kc, bulk, dst, at);
  }

  private static void applyFourRows(MemorySegment src, long start, long rowBytes, int kc,
      float[] dst, int at) {
    FloatVector pairLow = FloatVector.fromArray(S, PAIR, 0);
    FloatVector pairHigh = FloatVector.fromArray(S, PAIR, L);
    int bulk = kc - kc % L;
    for (int p = 0; p < bulk; p += L) {
      long from = start + (long) p * Float.BYTES;
      FloatVector r0 = FloatVector.fromMemorySegment(S, src, from, ORDER);
      FloatVector r1 = FloatVector.fromMemorySegment(S, src, from + rowBytes, ORDER);
      FloatVector r2 = FloatVector.fromMemorySegment(S, src, from + 2 * rowBytes, ORDER);
      FloatVector r3 = FloatVector.fromMemorySegment(S, src, from + 3 * rowBytes, ORDER);
      storeFourRows(pairLow.selectFrom(r0, r1), pairLow.selectFrom(r2, r3),
          pairHigh.selectFrom(r0, r1), pairHigh.selectFrom(r2, r3), dst, at + p * MR);
    }
    transposeTail(src, start, rowBytes, kc, bulk, dst, at);
  }

  /** The four output vectors of four rows' pair vectors, two per half of the K steps. */
  private static void storeFourRows(FloatVector pair0Low, FloatVector pair1Low,
      FloatVector pair0High, FloatVector pair1High, float[] dst, int d) {
    FloatVector.fromArray(S, OUTPUT, 0).selectFrom(pair0Low, pair1Low).intoArray(dst, d);
    FloatVector.fromArray(S, OUTPUT, 2 * L).selectFrom(pair0Low, pair1Low)
        .intoArray(dst, d + L);
    FloatVector.fromArray(S, OUTPUT, 4 * L).selectFrom(pair0High, pair1High)
        .intoArray(dst, d + 2 * L);
    FloatVector.fromArray(S, OUTPUT, 6 * L).selectFrom(pair0High, pair1High)
        .intoArray(dst, d + 3 * L);
  }
}
