package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.MR;
import static dev.harmonics.kernel.simd.GemmMicroKernel.NR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the panel order the micro-kernel streams through, zero
 * padding partial panels so the kernel never needs an edge case.
 *
 * <p>Float32 operands stored along the panel's K steps or rows are loaded as vectors straight
 * from their segment; the rest are first staged in an array (one bulk copy per stored row), as
 * are int8 operands, which are widened on the way. B stored {@code [K, N]} already runs along its
 * panel rows: it is copied sixteen rows at a time, panel by panel, a run of sixteen K steps into
 * each (staging each row first cost 4-13% of a call more at 128 x 784 x 256, 512³ and 64 x 4096 x
 * 4096; writing one row across all panels sent sixteen writes 32 KB apart into the same L1 sets;
 * loading a whole panel's K steps before the next panel walked B across rows and lost 15% at 64 x
 * 4096 x 4096). The other three cases need a transposition into {@code [p][r]} order: A stored
 * {@code [M, K]} MR rows at a time with lane selects ({@link PanelTranspose}), straight from the
 * operand for a full float panel; B stored {@code [N, K]} in 16 x 16 blocks transposed in
 * registers straight from the operand when vectors have 16 lanes ({@link PanelBlockTranspose}),
 * otherwise staged a panel's rows at a time, and A stored {@code [K, M]} (a block at a time), with
 * gathers a vector at a time ({@link Interleave}).
 * On cache-resident blocks the scalar scatters and short copies this replaced cost 0.3 to 0.75 ns
 * per element.
 */
final class GemmPacking {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  /** Floats of B rows staged at once (16 KB, within L1 beside the panels being written). */
  private static final int B_STAGING_FLOATS = 4096;
  /** Most B rows staged at once: each panel then receives this many K steps in one run. */
  private static final int B_STAGED_ROWS = 16;

  private GemmPacking() {}

  /**
   * Packs op(A) rows {@code [i0, i0 + mc)}, columns {@code [p0, p0 + kc)} as consecutive panels of
   * MR rows: panel {@code q} starts at {@code at + q * MR * kc} and holds {@code [p][r]}.
   */
  static void packA(GemmOperand a, int i0, int mc, int p0, int kc, float[] dst, int at,
      GemmScratch scratch) {
    if (!a.transposed) {
      float[] rows = scratch.staging(MR * kc);
      long rowBytes = (long) a.ld * Float.BYTES;
      for (int q = 0; q < mc; q += MR) {
        int filled = Math.min(MR, mc - q);
        if (filled == MR && a.holdsFloats()) {
          long start = (a.base + (long) (i0 + q) * a.ld + p0) * Float.BYTES;
          PanelTranspose.apply(a.segment, start, rowBytes, kc, dst, at + q * kc);
          continue;
        }
        for (int r = 0; r < filled; r++) {
          a.read((long) (i0 + q + r) * a.ld + p0, rows, r * kc, kc, scratch);
        }
        Arrays.fill(rows, filled * kc, MR * kc, 0f);
        PanelTranspose.apply(rows, kc, dst, at + q * kc);
      }
    } else {
      int padded = GemmDriver.ceilDiv(mc, MR) * MR;
      float[] block = scratch.staging(kc * padded);
      for (int p = 0; p < kc; p++) {
        a.read((long) (p0 + p) * a.ld + i0, block, p * padded, mc, scratch);
        Arrays.fill(block, p * padded + mc, (p + 1) * padded, 0f);
      }
      Interleave order = scratch.interleave(MR, 1, padded);
      for (int q = 0; q < mc; q += MR) {
        order.apply(block, q, kc, dst, at + q * kc);
      }
    }
  }

  /**
   * Packs op(B) rows {@code [p0, p0 + kc)}, columns {@code [j0, j0 + nc)} as consecutive panels of
   * NR columns: panel {@code q} starts at float {@code at + q * NR * kc} of {@code dst} and holds
   * {@code [p][j]}.
   */
  static void packB(GemmOperand b, int p0, int kc, int j0, int nc, MemorySegment dst, long at,
      GemmScratch scratch) {
    if (!b.transposed && b.holdsFloats()) {
      copyRows(b, p0, kc, j0, nc, dst, at);
    } else if (!b.transposed) {
      int padded = GemmDriver.ceilDiv(nc, NR) * NR;
      int group = Math.clamp(B_STAGING_FLOATS / padded, 1, B_STAGED_ROWS);
      float[] staged = scratch.staging(group * padded);
      for (int g = 0; g < kc; g += group) {
        int rows = Math.min(group, kc - g);
        for (int p = 0; p < rows; p++) {
          b.read((long) (p0 + g + p) * b.ld + j0, staged, p * padded, nc, scratch);
          Arrays.fill(staged, p * padded + nc, (p + 1) * padded, 0f);
        }
        for (int q = 0; q < nc; q += NR) {
          long d = (at + (long) q * kc + g * NR) * Float.BYTES;
          for (int p = 0; p < rows; p++, d += NR * Float.BYTES) {
            FloatVector.fromArray(S, staged, p * padded + q).intoMemorySegment(dst, d, ORDER);
            FloatVector.fromArray(S, staged, p * padded + q + L)
                .intoMemorySegment(dst, d + L * Float.BYTES, ORDER);
          }
        }
      }
    } else if (b.holdsFloats() && PanelBlockTranspose.applies()) {
      long rowBytes = (long) b.ld * Float.BYTES;
      for (int q = 0; q < nc; q += NR) {
        long start = (b.base + (long) (j0 + q) * b.ld + p0) * Float.BYTES;
        PanelBlockTranspose.panel(b.segment, start, rowBytes, Math.min(NR, nc - q), kc, dst,
            (at + (long) q * kc) * Float.BYTES);
      }
    } else {
      float[] rows = scratch.staging(NR * kc);
      float[] panel = scratch.panel(NR * kc);
      Interleave order = scratch.interleave(NR, kc, 1);
      for (int q = 0; q < nc; q += NR) {
        int filled = Math.min(NR, nc - q);
        for (int j = 0; j < filled; j++) {
          b.read((long) (j0 + q + j) * b.ld + p0, rows, j * kc, kc, scratch);
        }
        Arrays.fill(rows, filled * kc, NR * kc, 0f);
        order.apply(rows, 0, kc, panel, 0);
        long d = (at + (long) q * kc) * Float.BYTES;
        MemorySegment.copy(panel, 0, dst, ValueLayout.JAVA_FLOAT, d, NR * kc);
      }
    }
  }

  /**
   * {@link #packB} for float32 B stored {@code [K, N]}: vector loads straight from the operand,
   * {@link #B_STAGED_ROWS} rows by one panel at a time; the lanes of a partial panel past column
   * {@code nc} are masked off, which loads them as the zeros the padding needs.
   */
  private static void copyRows(GemmOperand b, int p0, int kc, int j0, int nc, MemorySegment dst,
      long at) {
    MemorySegment src = b.segment;
    long rowBytes = (long) b.ld * Float.BYTES;
    for (int g = 0; g < kc; g += B_STAGED_ROWS) {
      int rows = Math.min(B_STAGED_ROWS, kc - g);
      for (int q = 0; q < nc; q += NR) {
        long from = (b.base + (long) (p0 + g) * b.ld + j0 + q) * Float.BYTES;
        long d = (at + (long) q * kc + (long) g * NR) * Float.BYTES;
        if (q + NR <= nc) {
          for (int p = 0; p < rows; p++, from += rowBytes, d += NR * Float.BYTES) {
            FloatVector.fromMemorySegment(S, src, from, ORDER).intoMemorySegment(dst, d, ORDER);
            FloatVector.fromMemorySegment(S, src, from + L * Float.BYTES, ORDER)
                .intoMemorySegment(dst, d + L * Float.BYTES, ORDER);
          }
        } else {
          VectorMask<Float> low = S.indexInRange(q, nc);
          VectorMask<Float> high = S.indexInRange(q + L, nc);
          for (int p = 0; p < rows; p++, from += rowBytes, d += NR * Float.BYTES) {
            FloatVector.fromMemorySegment(S, src, from, ORDER, low)
                .intoMemorySegment(dst, d, ORDER);
            FloatVector.fromMemorySegment(S, src, from + L * Float.BYTES, ORDER, high)
                .intoMemorySegment(dst, d + L * Float.BYTES, ORDER);
          }
        }
      }
    }
  }

  /**
   * Gathers {@code rows} staged rows into {@code [p][r]} panel order: element {@code (r, p)} of the
   * staged block is at {@code from + r * rowStride + p * stepStride}. The gather indices are
   * computed once per shape: panel element {@code t} (K step {@code t / rows}, row
   * {@code t % rows}) reads offset {@code (t % rows) * rowStride + (t / rows) * stepStride}, and
   * {@code vectors} vectors cover {@code steps} K steps exactly, after which the pattern repeats
   * {@code steps * stepStride} further on.
   */
  static final class Interleave {
    final int rows;
    final int rowStride;
    final int stepStride;
    private final int steps;
    private final int vectors;
    private final int[] order;

    Interleave(int rows, int rowStride, int stepStride) {
      this.rows = rows;
      this.rowStride = rowStride;
      this.stepStride = stepStride;
      this.steps = L / gcd(L, rows);
      this.vectors = steps * rows / L;
      this.order = new int[vectors * L];
      for (int t = 0; t < order.length; t++) {
        order[t] = (t % rows) * rowStride + (t / rows) * stepStride;
      }
    }

    /** Writes {@code depth} K steps of panel order to {@code dst} from {@code at}. */
    void apply(float[] staged, int from, int depth, float[] dst, int at) {
      int[] map = order;
      int stride = steps * rows;
      int jump = steps * stepStride;
      int bulk = depth - depth % steps;
      int p = 0;
      int src = from;
      int d = at;
      if (vectors == 2) {
        for (; p < bulk; p += steps, src += jump, d += stride) {
          FloatVector.fromArray(S, staged, src, map, 0).intoArray(dst, d);
          FloatVector.fromArray(S, staged, src, map, L).intoArray(dst, d + L);
        }
      } else if (vectors == 3) {
        for (; p < bulk; p += steps, src += jump, d += stride) {
          FloatVector.fromArray(S, staged, src, map, 0).intoArray(dst, d);
          FloatVector.fromArray(S, staged, src, map, L).intoArray(dst, d + L);
          FloatVector.fromArray(S, staged, src, map, 2 * L).intoArray(dst, d + 2 * L);
        }
      } else {
        for (; p < bulk; p += steps, src += jump, d += stride) {
          for (int v = 0; v < vectors; v++) {
            FloatVector.fromArray(S, staged, src, map, v * L).intoArray(dst, d + v * L);
          }
        }
      }
      for (; p < depth; p++) {
        for (int r = 0; r < rows; r++) {
          dst[at + p * rows + r] = staged[from + r * rowStride + p * stepStride];
        }
      }
    }

    private static int gcd(int x, int y) {
      return y == 0 ? x : gcd(y, x % y);
    }
  }
}
