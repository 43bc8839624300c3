package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The layout of a zero-padded, phase-split copy of a band of image rows, built so that every
 * convolution tap reads a contiguous run: the implicit im2col the matrix kernels consume.
 *
 * <p>A strided convolution reads input column {@code ow * strideW + v * dilationW} (padded
 * coordinates). Splitting the padded columns by their remainder modulo the stride ("phases") makes
 * that column {@code ow + (v * dilationW) / strideW} of phase {@code (v * dilationW) % strideW}, a
 * unit-stride run along {@code ow}; rows are split the same way. Each plane then holds {@code rows}
 * rows of {@code width} columns, and output {@code (i, j)} of the band, numbered {@code q = i *
 * width + j}, reads tap {@code (ch, u, v)} at {@link #offset} {@code + q}. Columns {@code j >= ow}
 * of that numbering are not outputs ("virtual" columns that wrap into the next row); the kernels
 * compute them and throw them away, which costs {@code width / ow} but keeps every read contiguous.
 *
 * <p>Plane element {@code [i][j]} of channel {@code ch}, phases {@code (ph, pw)}, for a band
 * starting at output row {@code firstRow}, is source element {@code [(firstRow + i) * strideH + ph
 * - padTop][j * strideW + pw - padLeft]}, or zero outside the source.
 */
final class ConvImage {

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  /** Lane {@code i} holds {@code 2 i}: picks the even lanes of a vector pair. */
  private static final float[] EVEN_LANES = evenLanes();

  private final int srcH;
  private final int srcW;
  private final int strideH;
  private final int strideW;
  private final int padTop;
  private final int padLeft;
  private final int rows;
  private final int width;
  private final int[] rowSlot;
  private final int[] colSlot;
  private final int[] rowPhase;
  private final int[] colPhase;
  private final int planeSize;
  private final int channelSize;
  private final int slack;

  /**
   * @param rowOffsets padded-row offsets the taps read ({@code u * dilationH}), deciding which row
   *     phases are built
   * @param colOffsets padded-column offsets the taps read ({@code v * dilationW})
   * @param bandRows output rows per band
   * @param width columns per plane row, at least every output column plus the largest column shift
   * @param slack extra zero floats after the last plane, so a vector read past the last output
   *     stays inside the buffer
   */
  ConvImage(int srcH, int srcW, int strideH, int strideW, int padTop, int padLeft,
      int[] rowOffsets, int[] colOffsets, int bandRows, int width, int slack) {
    this.srcH = srcH;
    this.srcW = srcW;
    this.strideH = strideH;
    this.strideW = strideW;
    this.padTop = padTop;
    this.padLeft = padLeft;
    this.width = width;
    this.slack = slack;
    this.rowSlot = slots(rowOffsets, strideH);
    this.colSlot = slots(colOffsets, strideW);
    this.rowPhase = phases(rowSlot);
    this.colPhase = phases(colSlot);
    int halo = 0;
    for (int r : rowOffsets) {
      halo = Math.max(halo, r / strideH);
    }
    this.rows = bandRows + halo;
    this.planeSize = rows * width;
    this.channelSize = rowPhase.length * colPhase.length * planeSize;
  }

  /** Floats a band of {@code channels} channels occupies, slack included. */
  int size(int channels) {
    return channels * channelSize + slack;
  }

  /** Where tap {@code (ch, rowOffset, colOffset)} of output {@code q = 0} reads. */
  int offset(int ch, int rowOffset, int colOffset) {
    int plane = rowSlot[rowOffset % strideH] * colPhase.length + colSlot[colOffset % strideW];
    return ch * channelSize + plane * planeSize + (rowOffset / strideH) * width
        + colOffset / strideW;
  }

  /**
   * Fills {@code dst} with the band starting at output row {@code firstRow} of {@code channels}
   * source planes {@code [srcH, srcW]} that start at float {@code srcBase} of {@code src}.
   */
  void fill(MemorySegment src, long srcBase, int channels, int firstRow, float[] dst) {
    Arrays.fill(dst, 0, size(channels), 0f);
    float[] line = strideW == 1 ? null : new float[srcW];
    int at = 0;
    for (int ch = 0; ch < channels; ch++) {
      long plane = srcBase + (long) ch * srcH * srcW;
      for (int ph : rowPhase) {
        for (int pw : colPhase) {
          for (int i = 0; i < rows; i++, at += width) {
            int sr = (firstRow + i) * strideH + ph - padTop;
            if (sr < 0 || sr >= srcH) {
              continue;
            }
            if (strideW == 1) {
              copyRow(src, plane + (long) sr * srcW, pw - padLeft, dst, at);
            } else {
              MemorySegment.copy(src, FLOAT, (plane + (long) sr * srcW) * Float.BYTES, line, 0,
                  srcW);
              stridedRow(line, pw - padLeft, dst, at);
            }
          }
        }
      }
    }
  }

  /**
   * {@code dst[at + j] = row[j + shift]} where that is inside the row; the rest of the plane row is
   * already zero (one bulk clear per band is cheaper than clearing the edges of every short row).
   */
  private void copyRow(MemorySegment src, long row, int shift, float[] dst, int at) {
    int from = Math.max(0, -shift);
    int to = Math.min(width, srcW - shift);
    if (to > from) {
      PlaneRows.load(src, row + shift + from, dst, at + from, to - from);
    }
  }

  /**
   * {@code dst[at + j] = line[j * strideW + shift]} where that is inside the line. Stride 2, the
   * common down-sampling case, takes every other lane of two vectors with one two-vector permute.
   */
  private void stridedRow(float[] line, int shift, float[] dst, int at) {
    int j = shift >= 0 ? 0 : Math.ceilDiv(-shift, strideW);
    if (strideW == 2) {
      FloatVector evens = FloatVector.fromArray(F, EVEN_LANES, 0);
      for (int col = j * 2 + shift; j + L <= width && col + 2 * L <= srcW; j += L, col += 2 * L) {
        evens.selectFrom(FloatVector.fromArray(F, line, col), FloatVector.fromArray(F, line,
            col + L)).intoArray(dst, at + j);
      }
    }
    for (int col = j * strideW + shift; j < width && col < srcW; j++, col += strideW) {
      dst[at + j] = line[col];
    }
  }

  /** How many phases (remainders modulo {@code stride}) the offsets use. */
  static int phases(int[] offsets, int stride) {
    return ConvImage.phases(slots(offsets, stride)).length;
  }

  /** For each phase {@code 0..stride-1}, its plane slot if some offset uses it, else -1. */
  private static int[] slots(int[] offsets, int stride) {
    int[] slot = new int[stride];
    Arrays.fill(slot, -1);
    for (int off : offsets) {
      slot[off % stride] = 0;
    }
    int next = 0;
    for (int ph = 0; ph < stride; ph++) {
      if (slot[ph] == 0) {
        slot[ph] = next++;
      }
    }
    return slot;
  }

  private static int[] phases(int[] slot) {
    int count = 0;
    for (int s : slot) {
      count += s >= 0 ? 1 : 0;
    }
    int[] phase = new int[count];
    for (int ph = 0; ph < slot.length; ph++) {
      if (slot[ph] >= 0) {
        phase[slot[ph]] = ph;
      }
    }
    return phase;
  }

  private static float[] evenLanes() {
    float[] lanes = new float[L];
    for (int i = 0; i < L; i++) {
      lanes[i] = 2 * i;
    }
    return lanes;
  }
}
