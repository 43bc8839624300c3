package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.NR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs a B panel from B stored {@code [N, K]} (the weights of a linear layer) with 16 x 16
 * transpositions in registers, for 512-bit vectors: sixteen rows of sixteen K steps are loaded
 * straight from the operand and transposed in four stages of two-source lane selects (stage
 * {@code s} exchanges bit {@code s} of the row index with bit {@code s} of the lane), 64 selects
 * per 256 floats where the gathers of {@link GemmPacking.Interleave} cost one load per float.
 * Other widths keep the gathers. One thread against OpenBLAS with B transposed: 128 x 784 x 256
 * 0.89-0.90 (gathers: 0.84), 512³ 0.93 (0.89), 2048³ 0.90-0.91 (0.89-0.91).
 */
final class PanelBlockTranspose {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** The width this class is written for. */
  static final int WIDTH = 16;
  private static final long STEP_BYTES = (long) NR * Float.BYTES;
  /** Stage {@code s}, rows whose bit {@code s} is {@code b}: vector {@code s * 2 + b}. */
  private static final float[] INDEX = new float[4 * 2 * WIDTH];

  static {
    for (int s = 0; s < 4; s++) {
      int d = 1 << s;
      for (int b = 0; b < 2; b++) {
        for (int l = 0; l < WIDTH; l++) {
          INDEX[(s * 2 + b) * WIDTH + l] = ((l >> s) & 1) == b ? l : WIDTH + (l ^ d);
        }
      }
    }
  }

  private PanelBlockTranspose() {}

  /** Whether the species is the width this class handles. */
  static boolean applies() {
    return L == WIDTH;
  }

  /**
   * Writes one panel: {@code kc} K steps of the {@code filled} (at most NR) rows whose element
   * {@code (j, p)} is the float at byte {@code start + j * rowBytes + p * 4} of {@code src}, as
   * {@code [p][j]} with NR floats per step (rows past {@code filled} zero) from byte {@code at}
   * of {@code dst}.
   */
  static void panel(MemorySegment src, long start, long rowBytes, int filled, int kc,
      MemorySegment dst, long at) {
    int bulk = kc - kc % WIDTH;
    for (int half = 0; half < NR; half += WIDTH) {
      int rows = Math.clamp(filled - half, 0, WIDTH);
      long first = start + half * rowBytes;
      for (int p = 0; p < bulk; p += WIDTH) {
        block(src, first + (long) p * Float.BYTES, rowBytes, rows, dst,
            at + p * STEP_BYTES + (long) half * Float.BYTES);
      }
    }
    for (int p = bulk; p < kc; p++) {
      for (int j = 0; j < NR; j++) {
        long from = start + j * rowBytes + (long) p * Float.BYTES;
        float value = j < filled ? src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, from) : 0f;
        dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + p * STEP_BYTES + (long) j * Float.BYTES,
            value);
      }
    }
  }

  /** Sixteen rows ({@code filled} of them real) by sixteen K steps, transposed into the panel. */
  private static void block(MemorySegment src, long from, long rowBytes, int filled,
      MemorySegment dst, long d) {
    FloatVector i00 = FloatVector.fromArray(S, INDEX, (0 * 2 + 0) * L);
    FloatVector i01 = FloatVector.fromArray(S, INDEX, (0 * 2 + 1) * L);
    FloatVector i10 = FloatVector.fromArray(S, INDEX, (1 * 2 + 0) * L);
    FloatVector i11 = FloatVector.fromArray(S, INDEX, (1 * 2 + 1) * L);
    FloatVector i20 = FloatVector.fromArray(S, INDEX, (2 * 2 + 0) * L);
    FloatVector i21 = FloatVector.fromArray(S, INDEX, (2 * 2 + 1) * L);
    FloatVector i30 = FloatVector.fromArray(S, INDEX, (3 * 2 + 0) * L);
    FloatVector i31 = FloatVector.fromArray(S, INDEX, (3 * 2 + 1) * L);
      FloatVector v0 = row(0, filled, src, from, rowBytes);
      FloatVector v1 = row(1, filled, src, from, rowBytes);
      FloatVector v2 = row(2, filled, src, from, rowBytes);
      FloatVector v3 = row(3, filled, src, from, rowBytes);
      FloatVector v4 = row(4, filled, src, from, rowBytes);
      FloatVector v5 = row(5, filled, src, from, rowBytes);
      FloatVector v6 = row(6, filled, src, from, rowBytes);
      FloatVector v7 = row(7, filled, src, from, rowBytes);
      FloatVector v8 = row(8, filled, src, from, rowBytes);
      FloatVector v9 = row(9, filled, src, from, rowBytes);
      FloatVector v10 = row(10, filled, src, from, rowBytes);
      FloatVector v11 = row(11, filled, src, from, rowBytes);
      FloatVector v12 = row(12, filled, src, from, rowBytes);
      FloatVector v13 = row(13, filled, src, from, rowBytes);
      FloatVector v14 = row(14, filled, src, from, rowBytes);
      FloatVector v15 = row(15, filled, src, from, rowBytes);
      FloatVector s0x0 = i00.selectFrom(v0, v1);
      FloatVector s0x1 = i01.selectFrom(v1, v0);
      FloatVector s0x2 = i00.selectFrom(v2, v3);
      FloatVector s0x3 = i01.selectFrom(v3, v2);
      FloatVector s0x4 = i00.selectFrom(v4, v5);
      FloatVector s0x5 = i01.selectFrom(v5, v4);
      FloatVector s0x6 = i00.selectFrom(v6, v7);
      FloatVector s0x7 = i01.selectFrom(v7, v6);
      FloatVector s0x8 = i00.selectFrom(v8, v9);
      FloatVector s0x9 = i01.selectFrom(v9, v8);
      FloatVector s0x10 = i00.selectFrom(v10, v11);
      FloatVector s0x11 = i01.selectFrom(v11, v10);
      FloatVector s0x12 = i00.selectFrom(v12, v13);
      FloatVector s0x13 = i01.selectFrom(v13, v12);
      FloatVector s0x14 = i00.selectFrom(v14, v15);
      FloatVector s0x15 = i01.selectFrom(v15, v14);
      FloatVector s1x0 = i10.selectFrom(s0x0, s0x2);
      FloatVector s1x1 = i10.selectFrom(s0x1, s0x3);
      FloatVector s1x2 = i11.selectFrom(s0x2, s0x0);
      FloatVector s1x3 = i11.selectFrom(s0x3, s0x1);
      FloatVector s1x4 = i10.selectFrom(s0x4, s0x6);
      FloatVector s1x5 = i10.selectFrom(s0x5, s0x7);
      FloatVector s1x6 = i11.selectFrom(s0x6, s0x4);
      FloatVector s1x7 = i11.selectFrom(s0x7, s0x5);
      FloatVector s1x8 = i10.selectFrom(s0x8, s0x10);
      FloatVector s1x9 = i10.selectFrom(s0x9, s0x11);
      FloatVector s1x10 = i11.selectFrom(s0x10, s0x8);
      FloatVector s1x11 = i11.selectFrom(s0x11, s0x9);
      FloatVector s1x12 = i10.selectFrom(s0x12, s0x14);
      FloatVector s1x13 = i10.selectFrom(s0x13, s0x15);
      FloatVector s1x14 = i11.selectFrom(s0x14, s0x12);
      FloatVector s1x15 = i11.selectFrom(s0x15, s0x13);
      FloatVector s2x0 = i20.selectFrom(s1x0, s1x4);
      FloatVector s2x1 = i20.selectFrom(s1x1, s1x5);
      FloatVector s2x2 = i20.selectFrom(s1x2, s1x6);
      FloatVector s2x3 = i20.selectFrom(s1x3, s1x7);
      FloatVector s2x4 = i21.selectFrom(s1x4, s1x0);
      FloatVector s2x5 = i21.selectFrom(s1x5, s1x1);
      FloatVector s2x6 = i21.selectFrom(s1x6, s1x2);
      FloatVector s2x7 = i21.selectFrom(s1x7, s1x3);
      FloatVector s2x8 = i20.selectFrom(s1x8, s1x12);
      FloatVector s2x9 = i20.selectFrom(s1x9, s1x13);
      FloatVector s2x10 = i20.selectFrom(s1x10, s1x14);
      FloatVector s2x11 = i20.selectFrom(s1x11, s1x15);
      FloatVector s2x12 = i21.selectFrom(s1x12, s1x8);
      FloatVector s2x13 = i21.selectFrom(s1x13, s1x9);
      FloatVector s2x14 = i21.selectFrom(s1x14, s1x10);
      FloatVector s2x15 = i21.selectFrom(s1x15, s1x11);
      FloatVector s3x0 = i30.selectFrom(s2x0, s2x8);
      FloatVector s3x1 = i30.selectFrom(s2x1, s2x9);
      FloatVector s3x2 = i30.selectFrom(s2x2, s2x10);
      FloatVector s3x3 = i30.selectFrom(s2x3, s2x11);
      FloatVector s3x4 = i30.selectFrom(s2x4, s2x12);
      FloatVector s3x5 = i30.selectFrom(s2x5, s2x13);
      FloatVector s3x6 = i30.selectFrom(s2x6, s2x14);
      FloatVector s3x7 = i30.selectFrom(s2x7, s2x15);
      FloatVector s3x8 = i31.selectFrom(s2x8, s2x0);
      FloatVector s3x9 = i31.selectFrom(s2x9, s2x1);
      FloatVector s3x10 = i31.selectFrom(s2x10, s2x2);
      FloatVector s3x11 = i31.selectFrom(s2x11, s2x3);
      FloatVector s3x12 = i31.selectFrom(s2x12, s2x4);
      FloatVector s3x13 = i31.selectFrom(s2x13, s2x5);
      FloatVector s3x14 = i31.selectFrom(s2x14, s2x6);
      FloatVector s3x15 = i31.selectFrom(s2x15, s2x7);
      s3x0.intoMemorySegment(dst, d + 0 * STEP_BYTES, ORDER);
      s3x1.intoMemorySegment(dst, d + 1 * STEP_BYTES, ORDER);
      s3x2.intoMemorySegment(dst, d + 2 * STEP_BYTES, ORDER);
      s3x3.intoMemorySegment(dst, d + 3 * STEP_BYTES, ORDER);
      s3x4.intoMemorySegment(dst, d + 4 * STEP_BYTES, ORDER);
      s3x5.intoMemorySegment(dst, d + 5 * STEP_BYTES, ORDER);
      s3x6.intoMemorySegment(dst, d + 6 * STEP_BYTES, ORDER);
      s3x7.intoMemorySegment(dst, d + 7 * STEP_BYTES, ORDER);
      s3x8.intoMemorySegment(dst, d + 8 * STEP_BYTES, ORDER);
      s3x9.intoMemorySegment(dst, d + 9 * STEP_BYTES, ORDER);
      s3x10.intoMemorySegment(dst, d + 10 * STEP_BYTES, ORDER);
      s3x11.intoMemorySegment(dst, d + 11 * STEP_BYTES, ORDER);
      s3x12.intoMemorySegment(dst, d + 12 * STEP_BYTES, ORDER);
      s3x13.intoMemorySegment(dst, d + 13 * STEP_BYTES, ORDER);
      s3x14.intoMemorySegment(dst, d + 14 * STEP_BYTES, ORDER);
      s3x15.intoMemorySegment(dst, d + 15 * STEP_BYTES, ORDER);
  }

  private static FloatVector row(int r, int filled, MemorySegment src, long from, long rowBytes) {
    return r < filled
        ? FloatVector.fromMemorySegment(S, src, from + r * rowBytes, ORDER)
        : FloatVector.zero(S);
  }
}
