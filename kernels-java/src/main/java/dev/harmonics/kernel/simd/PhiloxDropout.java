package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.kernel.random.Philox4x32;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout with Philox-4x32-10 evaluated in vector lanes.
 *
 * <p>Each 64-bit lane runs one Philox block: its 32-bit words sit in the low half of a long, so the
 * 32x32-bit products the rounds need are plain 64-bit lane multiplies whose high and low halves
 * are a shift and a mask away. A vector of {@code LANES} longs thus produces {@code LANES}
 * consecutive blocks, and because {@link DropoutKernels} lays out 16 blocks word by word over 64
 * elements, output word {@code w} of those blocks decides {@code LANES} consecutive elements: the
 * keep mask applies to a float vector of {@code LANES} lanes (half the float width) with no shuffle.
 * The generator dominates the cost (about a hundred lane operations per block), so the narrower
 * float vector costs nothing measurable.
 */
final class PhiloxDropout {

  /** Elements per layout group: 16 Philox blocks of four words. */
  static final int GROUP = 64;

  private static final VectorSpecies<Long> LONGS =
      VectorSpecies.of(long.class, SimdSpecies.FLOAT.vectorShape());
  private static final int LANES = LONGS.length();
  private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class,
      VectorShape.forBitSize(SimdSpecies.FLOAT.vectorBitSize() / 2));
  private static final LongVector IOTA = (LongVector) LONGS.iotaShuffle(0, 1, false).toVector();
  private static final long LOW = 0xFFFF_FFFFL;
  private static final long M0 = Philox4x32.M0 & LOW;
  private static final long M1 = Philox4x32.M1 & LOW;
  private static final long ONE_PER_BYTE = 0x0101_0101_0101_0101L;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  private final MemorySegment x;
  private final long xBase;
  private final MemorySegment y;
  private final long yBase;
  private final MemorySegment mask;
  private final long maskBase;
  private final long threshold;
  private final FloatVector scale;
  private final long offsetLow;
  private final long offsetHigh;
  private final long[] keys;

  /**
   * Bases count elements; {@code mask} may be null. Nothing runs until {@link #groups} or
   * {@link #element}.
   */
  PhiloxDropout(MemorySegment x, long xBase, MemorySegment y, long yBase, MemorySegment mask,
      long maskBase, float p, long seed, long offset) {
    this.x = x;
    this.xBase = xBase;
    this.y = y;
    this.yBase = yBase;
    this.mask = mask;
    this.maskBase = maskBase;
    this.threshold = DropoutKernels.dropThreshold(p);
    this.scale = FloatVector.broadcast(FLOATS, DropoutKernels.keepScale(p));
    this.offsetLow = offset & LOW;
    this.offsetHigh = offset >>> 32;
    this.keys = Philox4x32.roundKeys((int) seed, (int) (seed >>> 32));
  }

  /** Processes the whole groups {@code [from, to)}, i.e. elements {@code 64 * from ..}. */
  void groups(int from, int to) {
    for (int q = from; q < to; q++) {
      for (int h = 0; h < 16; h += LANES) {
        LongVector blocks = IOTA.add(16L * q + h);
        LongVector x0 = blocks.and(LOW);
        LongVector x1 = blocks.lanewise(VectorOperators.LSHR, 32);
        LongVector x2 = LongVector.broadcast(LONGS, offsetLow);
        LongVector x3 = LongVector.broadcast(LONGS, offsetHigh);
        for (int r = 0; r < Philox4x32.ROUNDS; r++) {
          LongVector p0 = x0.mul(M0);
          LongVector p1 = x2.mul(M1);
          x0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x1)
              .lanewise(VectorOperators.XOR, keys[2 * r]);
          x2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x3)
              .lanewise(VectorOperators.XOR, keys[2 * r + 1]);
          x1 = p1.and(LOW);
          x3 = p0.and(LOW);
        }
        long first = (long) GROUP * q + h;
        emit(x0, first);
        emit(x1, first + 16);
        emit(x2, first + 32);
        emit(x3, first + 48);
      }
    }
  }

  /** Processes one element from its own Philox block: for the few elements after the last group. */
  void element(long seed, long offset, long i) {
    boolean keep = Integer.toUnsignedLong(DropoutKernels.randomBits(seed, offset, i)) >= threshold;
    float v = x.getAtIndex(ValueLayout.JAVA_FLOAT, xBase + i);
    y.setAtIndex(ValueLayout.JAVA_FLOAT, yBase + i, v * (keep ? scale.lane(0) : 0f));
    if (mask != null) {
      mask.set(ValueLayout.JAVA_BYTE, maskBase + i, (byte) (keep ? 1 : 0));
    }
  }

  private void emit(LongVector words, long first) {
    VectorMask<Long> keep = words.compare(VectorOperators.GE, threshold);
    VectorMask<Float> keepF = keep.cast(FLOATS);
    FloatVector factor = FloatVector.zero(FLOATS).blend(scale, keepF);
    FloatVector.fromMemorySegment(FLOATS, x, (xBase + first) * 4, NATIVE).mul(factor)
        .intoMemorySegment(y, (yBase + first) * 4, NATIVE);
    if (mask != null) {
      long bytes = Long.expand(keep.toLong(), ONE_PER_BYTE);
      long at = maskBase + first;
      switch (LANES) {
        case 8 -> mask.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
            at, bytes);
        case 4 -> mask.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
            at, (int) bytes);
        default -> mask.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
            at, (short) bytes);
      }
    }
  }
}
