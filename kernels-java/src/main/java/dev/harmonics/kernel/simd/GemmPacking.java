package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.MR;
import static dev.harmonics.kernel.simd.GemmMicroKernel.NR;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the panel order the micro-kernel streams through, zero
 * padding partial panels so the kernel never needs an edge case. Each block is read in runs along
 * its stored rows, whichever way the operand is transposed. Row-major A needs a transpose into
 * {@code [p][r]} order: its MR rows are staged and gathered a vector at a time, which measured
 * about twice as fast as a scalar scatter.
 */
final class GemmPacking {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  /** K steps of an A panel filled by three gathered vectors ({@code 3 * L = GATHER_STEPS * MR}). */
  static final int GATHER_STEPS = 3 * L / MR;

  private GemmPacking() {}

  /**
   * The gather indices that turn {@code MR} staged rows of length {@code kc} into panel order:
   * panel element {@code t} (K step {@code t / MR}, row {@code t % MR}) reads row element {@code
   * (t % MR) * kc + t / MR}; three vectors' worth, reused every {@link #GATHER_STEPS} steps.
   */
  static void panelOrder(int kc, int[] order) {
    for (int t = 0; t < order.length; t++) {
      order[t] = (t % MR) * kc + t / MR;
    }
  }

  /**
   * Packs op(A) rows {@code [i0, i0 + mc)}, columns {@code [p0, p0 + kc)} as consecutive panels of
   * MR rows: panel {@code q} starts at {@code at + q * MR * kc} and holds {@code [p][r]}.
   */
  static void packA(GemmOperand a, int i0, int mc, int p0, int kc, float[] dst, int at,
      GemmScratch scratch) {
    if (!a.transposed) {
      float[] rows = scratch.staging(MR * kc);
      int[] order = scratch.panelOrder(kc);
      int steps = kc - kc % GATHER_STEPS;
      for (int q = 0; q < mc; q += MR) {
        int filled = Math.min(MR, mc - q);
        int panel = at + q * kc;
        for (int r = 0; r < filled; r++) {
          a.read((long) (i0 + q + r) * a.ld + p0, rows, r * kc, kc, scratch);
        }
        Arrays.fill(rows, filled * kc, MR * kc, 0f);
        for (int p = 0; p < steps; p += GATHER_STEPS) {
          int d = panel + p * MR;
          FloatVector.fromArray(S, rows, p, order, 0).intoArray(dst, d);
          FloatVector.fromArray(S, rows, p, order, L).intoArray(dst, d + L);
          FloatVector.fromArray(S, rows, p, order, 2 * L).intoArray(dst, d + 2 * L);
        }
        for (int p = steps; p < kc; p++) {
          for (int r = 0; r < MR; r++) {
            dst[panel + p * MR + r] = rows[r * kc + p];
          }
        }
      }
    } else {
      float[] run = scratch.staging(mc);
      for (int p = 0; p < kc; p++) {
        a.read((long) (p0 + p) * a.ld + i0, run, 0, mc, scratch);
        for (int q = 0; q < mc; q += MR) {
          int rows = Math.min(MR, mc - q);
          int d = at + q * kc + p * MR;
          System.arraycopy(run, q, dst, d, rows);
          if (rows < MR) {
            Arrays.fill(dst, d + rows, d + MR, 0f);
          }
        }
      }
    }
  }

  /**
   * Packs op(B) rows {@code [p0, p0 + kc)}, columns {@code [j0, j0 + nc)} as consecutive panels of
   * NR columns: panel {@code q} starts at {@code at + q * NR * kc} and holds {@code [p][j]}.
   */
  static void packB(GemmOperand b, int p0, int kc, int j0, int nc, float[] dst, int at,
      GemmScratch scratch) {
    if (!b.transposed) {
      for (int p = 0; p < kc; p++) {
        b.readIntoPanels((long) (p0 + p) * b.ld + j0, nc, dst, at + p * NR, NR * kc, scratch);
      }
    } else {
      float[] run = scratch.staging(kc);
      for (int q = 0; q < nc; q += NR) {
        int cols = Math.min(NR, nc - q);
        int panel = at + q * kc;
        for (int j = 0; j < cols; j++) {
          b.read((long) (j0 + q + j) * b.ld + p0, run, 0, kc, scratch);
          for (int p = 0, d = panel + j; p < kc; p++, d += NR) {
            dst[d] = run[p];
          }
        }
        for (int j = cols; j < NR; j++) {
          for (int p = 0, d = panel + j; p < kc; p++, d += NR) {
            dst[d] = 0f;
          }
        }
      }
    }
  }
}
