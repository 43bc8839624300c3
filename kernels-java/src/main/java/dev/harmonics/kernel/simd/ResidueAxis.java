package dev.harmonics.kernel.simd;

import java.util.Arrays;

/**
 * One spatial axis of a convolution's input gradient, split by output residue so that each part is
 * a unit-stride correlation. Input position {@code i} receives tap {@code k} from output {@code (i
 * + pad - k * dilation) / stride} when that division is exact, so the positions {@code i = r +
 * stride * a} of one residue {@code r} all use the same taps, at output {@code a + e_k}. Shifting
 * by {@link #lead} makes every {@code e_k} a non-negative {@link #shift} into an output copy padded
 * with {@code lead} zeros in front.
 */
final class ResidueAxis {

  final int stride;
  /** Residues that have input positions: {@code min(stride, input)}. */
  final int residues;
  /** {@code taps[r]}: the kernel indices residue {@code r} uses, ascending. */
  final int[][] taps;
  /** {@code shift[r][i]}: where tap {@code taps[r][i]} reads, {@code e_k + lead}. */
  final int[][] shift;
  /** {@code count[r]}: input positions of residue {@code r}; {@code count[0]} is the largest. */
  final int[] count;
  /** Zeros to put before the output so every shift is at least 0. */
  final int lead;
  /** The largest shift. */
  final int maxShift;

  ResidueAxis(int input, int kernel, int stride, int pad, int dilation) {
    this.stride = stride;
    this.residues = Math.min(stride, input);
    this.taps = new int[residues][];
    this.shift = new int[residues][];
    this.count = new int[residues];
    int[][] e = new int[residues][];
    int minE = 0;
    for (int r = 0; r < residues; r++) {
      count[r] = Math.ceilDiv(input - r, stride);
      int used = 0;
      int[] ks = new int[kernel];
      int[] es = new int[kernel];
      for (int k = 0; k < kernel; k++) {
        int num = r + pad - k * dilation;
        if (Math.floorMod(num, stride) == 0) {
          ks[used] = k;
          es[used] = Math.floorDiv(num, stride);
          minE = Math.min(minE, es[used]);
          used++;
        }
      }
      taps[r] = Arrays.copyOf(ks, used);
      e[r] = Arrays.copyOf(es, used);
    }
    this.lead = -minE;
    int largest = 0;
    for (int r = 0; r < residues; r++) {
      shift[r] = new int[e[r].length];
      for (int i = 0; i < e[r].length; i++) {
        shift[r][i] = e[r][i] + lead;
        largest = Math.max(largest, shift[r][i]);
      }
    }
    this.maxShift = largest;
  }

  /** Every shift of every residue, for sizing the padded output copy. */
  int[] allShifts() {
    int total = 0;
    for (int[] s : shift) {
      total += s.length;
    }
    int[] all = new int[Math.max(1, total)];
    int at = 0;
    for (int[] s : shift) {
      for (int v : s) {
        all[at++] = v;
      }
    }
    return all;
  }
}
