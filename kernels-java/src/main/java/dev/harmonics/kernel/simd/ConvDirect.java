package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution for layers with few taps per output ({@code c / groups * kh * kw} small, such
 * as a first layer over one or three input channels). Each image is copied once into a padded,
 * phase-split {@link ConvImage} (so any stride, padding and dilation read contiguous runs); then,
 * for a block of {@link #OB} output channels and an output row, every tap loads two vectors of the
 * row once and multiplies them by the block's eight weights into sixteen register accumulators,
 * which go to the output with the bias through an L1-resident block. There is no packed image, no
 * panel and no band-sized result buffer: with a reduction this short those copies cost as much
 * as the arithmetic.
 */
final class ConvDirect {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /**
   * Output channels per block: 8 rows of 2 vectors is 16 accumulators, as in the convolution tile
   * of {@link ConvMatmul} with 32 vector registers; the plan takes this path only then.
   */
  static final int OB = 8;

  private ConvDirect() {}

  /** {@code y = conv(x, w) + bias} for geometry {@code g}; {@code bias} may be null. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
      MemorySegment y) {
    int cg = g.cg();
    int og = g.og();
    int taps = g.taps();
    int[] rowOffsets = ConvForward.offsets(g.kh(), g.dilationH());
    int[] colOffsets = ConvForward.offsets(g.kw(), g.dilationW());
    int width = g.ow() + colOffsets[colOffsets.length - 1] / g.strideW();
    ConvImage image = new ConvImage(g.h(), g.w(), g.strideH(), g.strideW(), g.padH(), g.padW(),
        rowOffsets, colOffsets, g.oh(), width, 2 * L + width);
    int[] koff = new int[taps];
    for (int c = 0, t = 0; c < cg; c++) {
      for (int u = 0; u < g.kh(); u++) {
        for (int v = 0; v < g.kw(); v++, t++) {
          koff[t] = image.offset(c, rowOffsets[u], colOffsets[v]);
        }
      }
    }
    int blocks = Math.ceilDiv(og, OB);
    float[] packed = pack(w, g.groups(), og, taps, blocks);
    float[] b = new float[g.o()];
    if (bias != null) {
      MemorySegment.copy(bias, FLOAT, 0, b, 0, g.o());
    }
    int units = g.n() * g.groups();
    int tasks = units * blocks;
    KernelPool.shared().parallelFor(tasks, ConvBands.grain(tasks, g.flops()), (from, to) -> {
      float[] padded = NchwScratch.get().packedB(image.size(cg));
      float[] acc = NchwScratch.get().outputs(2 * OB * L);
      int filled = -1;
      for (int task = from; task < to; task++) {
        int unit = task / blocks;
        int n = unit / g.groups();
        int group = unit % g.groups();
        if (unit != filled) {
          image.fill(x, ((long) n * g.c() + (long) group * cg) * g.h() * g.w(), cg, 0, padded);
          filled = unit;
        }
        int r0 = task % blocks * OB;
        int rows = Math.min(OB, og - r0);
        int oc = group * og + r0;
        long out = ((long) n * g.o() + oc) * g.oh() * g.ow();
        int aOff = (group * blocks + r0 / OB) * taps * OB;
        for (int oy = 0; oy < g.oh(); oy++) {
          for (int ox = 0; ox < g.ow(); ox += 2 * L) {
            block(packed, aOff, taps, padded, koff, oy * width + ox, acc);
            store(acc, b, oc, rows, y, out + (long) oy * g.ow() + ox, g.oh() * g.ow(),
                g.ow() - ox);
          }
        }
      }
    });
  }

  /**
   * Weights as {@code [group][block][tap][OB]}: a tap's eight weights sit together, and a block's
   * missing channels (past {@code og}) are zeros that are computed and never stored.
   */
  private static float[] pack(MemorySegment w, int groups, int og, int taps, int blocks) {
    float[] packed = new float[groups * blocks * taps * OB];
    for (int group = 0; group < groups; group++) {
      for (int r = 0; r < og; r++) {
        int at = ((group * blocks + r / OB) * taps) * OB + r % OB;
        long from = ((long) group * og + r) * taps;
        for (int t = 0; t < taps; t++, at += OB) {
          packed[at] = w.getAtIndex(FLOAT, from + t);
        }
      }
    }
    return packed;
  }

  /**
   * Sums of eight output channels by {@code 2 L} output columns from virtual column {@code q}, into
   * {@code acc} ({@code [channel][2 L]}). The stores to the tensor live in {@link #store}: with
   * them in this method (one unmasked and one masked path, or a masked path alone) it grew past
   * what C1 can compile ("out of virtual registers"), C2 never took over, and the Vector API ran
   * boxed at 1/50 of the speed.
   */
  private static void block(float[] a, int aOff, int taps, float[] image, int[] koff, int q,
      float[] acc) {
    FloatVector c00 = FloatVector.zero(F);
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
    FloatVector c60 = c00;
    FloatVector c61 = c00;
    FloatVector c70 = c00;
    FloatVector c71 = c00;
    for (int t = 0, ao = aOff; t < taps; t++, ao += OB) {
      int at = koff[t] + q;
      FloatVector b0 = FloatVector.fromArray(F, image, at);
      FloatVector b1 = FloatVector.fromArray(F, image, at + L);
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
    c00.intoArray(acc, 0);
    c01.intoArray(acc, 1 * L);
    c10.intoArray(acc, 2 * L);
    c11.intoArray(acc, 3 * L);
    c20.intoArray(acc, 4 * L);
    c21.intoArray(acc, 5 * L);
    c30.intoArray(acc, 6 * L);
    c31.intoArray(acc, 7 * L);
    c40.intoArray(acc, 8 * L);
    c41.intoArray(acc, 9 * L);
    c50.intoArray(acc, 10 * L);
    c51.intoArray(acc, 11 * L);
    c60.intoArray(acc, 12 * L);
    c61.intoArray(acc, 13 * L);
    c70.intoArray(acc, 14 * L);
    c71.intoArray(acc, 15 * L);
  }

  /**
   * Adds the bias to the first {@code rows} channels of a block's sums and stores at most {@code
   * cols} columns of each at {@code y[out + r * plane ...]}.
   */
  private static void store(float[] acc, float[] bias, int oc, int rows, MemorySegment y,
      long out, int plane, int cols) {
    long half = (long) L * Float.BYTES;
    if (cols >= 2 * L) {
      for (int r = 0; r < rows; r++) {
        FloatVector b = FloatVector.broadcast(F, bias[oc + r]);
        long at = (out + (long) r * plane) * Float.BYTES;
        FloatVector.fromArray(F, acc, 2 * r * L).add(b).intoMemorySegment(y, at, ORDER);
        FloatVector.fromArray(F, acc, (2 * r + 1) * L).add(b)
            .intoMemorySegment(y, at + half, ORDER);
      }
      return;
    }
    VectorMask<Float> m0 = F.indexInRange(0, cols);
    VectorMask<Float> m1 = F.indexInRange(L, cols);
    for (int r = 0; r < rows; r++) {
      FloatVector b = FloatVector.broadcast(F, bias[oc + r]);
      long at = (out + (long) r * plane) * Float.BYTES;
      FloatVector.fromArray(F, acc, 2 * r * L).add(b).intoMemorySegment(y, at, ORDER, m0);
      FloatVector.fromArray(F, acc, (2 * r + 1) * L).add(b)
          .intoMemorySegment(y, at + half, ORDER, m1);
    }
  }
}
