package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.MR;
import static dev.harmonics.kernel.simd.GemmMicroKernel.NR;

import java.util.Arrays;

/**
 * Copies blocks of op(A) and op(B) into the panel order the micro-kernel streams through, zero
 * padding partial panels so the kernel never needs an edge case. Each block is read in runs along
 * its stored rows (one bulk copy each), whichever way the operand is transposed.
 */
final class GemmPacking {

  private GemmPacking() {}

  /**
   * Packs op(A) rows {@code [i0, i0 + mc)}, columns {@code [p0, p0 + kc)} as consecutive panels of
   * MR rows: panel {@code q} starts at {@code at + q * MR * kc} and holds {@code [p][r]}.
   */
  static void packA(GemmOperand a, int i0, int mc, int p0, int kc, float[] dst, int at,
      GemmScratch scratch) {
    float[] run = scratch.staging(Math.max(mc, kc));
    if (!a.transposed) {
      for (int q = 0; q < mc; q += MR) {
        int rows = Math.min(MR, mc - q);
        int panel = at + q * kc;
        for (int r = 0; r < rows; r++) {
          a.read((long) (i0 + q + r) * a.ld + p0, run, 0, kc, scratch);
          for (int p = 0, d = panel + r; p < kc; p++, d += MR) {
            dst[d] = run[p];
          }
        }
        for (int r = rows; r < MR; r++) {
          for (int p = 0, d = panel + r; p < kc; p++, d += MR) {
            dst[d] = 0f;
          }
        }
      }
    } else {
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
    float[] run = scratch.staging(kc);
    if (!b.transposed) {
      for (int p = 0; p < kc; p++) {
        long row = (long) (p0 + p) * b.ld + j0;
        for (int q = 0; q < nc; q += NR) {
          b.readPanelRow(row + q, Math.min(NR, nc - q), dst, at + q * kc + p * NR, scratch);
        }
      }
    } else {
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
