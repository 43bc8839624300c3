package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API quantisation kernels.
 *
 * <p>The int8 GEMM runs on the float32 GEMM machinery: int8 values are widened to float when
 * panels are packed, and the micro-kernel's FMAs are then exact, because every product is an
 * integer of magnitude at most 2<sup>14</sup> and every partial sum of at most 1024 of them stays
 * within the 2<sup>24</sup> range where float32 represents integers exactly. On AVX-512 or AVX2
 * this beats widening to int lanes, where the Vector API has only a full 32-bit multiply (several
 * times slower than a float FMA) and no pairwise multiply-add. Across K slices the int32 results
 * of successive 1024-deep slices add exactly as long as K is at most {@link #EXACT_K}; beyond that
 * K is split and the slices are summed in long, then saturated. Up to {@link Int8Skinny#MAX_ROWS}
 * rows skip the packing and stream int8 B ({@link Int8Skinny}): such products are bound by reading
 * B, which is a quarter of the bytes of float B.
 */
final class SimdQuant extends QuantKernels {

  /** The largest K whose int8 dot products cannot overflow int32 (131071 · 2^14 < 2^31). */
  static final int EXACT_K = Integer.MAX_VALUE / (128 * 128);
  /** The most int8 products a float sum holds exactly: 1024 · 2^14 = 2^24. */
  private static final int FLOAT_EXACT_DEPTH = 1024;

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  /** Bytes with one lane per float lane, or (128-bit floats) the narrowest byte vector, 8 lanes. */
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * Byte.SIZE)));
  private static final boolean BYTES_MATCH = B.length() == L;
  private static final VectorMask<Byte> FIRST_L_BYTES = B.indexInRange(0, L);
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** Adding and subtracting 1.5·2^23 rounds a float of magnitude below 2^22 half to even. */
  private static final float ROUNDER = 12_582_912f;
  private static final int PARALLEL_MIN_ELEMENTS = 1 << 18;

  @Override
  protected void doQuantize(Tensor x, float scale, int zeroPoint, Tensor q) {
    MemorySegment in = x.data();
    MemorySegment out = q.data();
    forChunks(x.size(), (from, to) -> quantize(in, out, from, to, scale, zeroPoint));
  }

  private static void quantize(MemorySegment in, MemorySegment out, int from, int to, float scale,
      int zeroPoint) {
    FloatVector divisor = FloatVector.broadcast(S, scale);
    float zero = zeroPoint;
    int i = from;
    for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
      FloatVector y =
          FloatVector.fromMemorySegment(S, in, (long) i * Float.BYTES, ORDER).div(divisor);
      // NaN becomes 0 (the zero point); clamping first keeps the rounding trick in its exact range.
      y = y.blend(0f, y.test(VectorOperators.IS_NAN)).max(-256f).min(256f);
      y = y.add(ROUNDER).sub(ROUNDER).add(zero).max(-128f).min(127f);
      ByteVector codes = (ByteVector) y.convertShape(VectorOperators.F2B, B, 0);
      if (BYTES_MATCH) {
        codes.intoMemorySegment(out, i, ORDER);
      } else {
        codes.intoMemorySegment(out, i, ORDER, FIRST_L_BYTES);
      }
    }
    for (; i < to; i++) {
      out.set(ValueLayout.JAVA_BYTE, i,
          quantize(in.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), scale, zeroPoint));
    }
  }

  private static byte quantize(float x, float scale, int zeroPoint) {
    float scaled = x / scale;
    if (Float.isNaN(scaled)) {
      return (byte) zeroPoint;
    }
    return (byte) Math.clamp(Math.rint(scaled) + zeroPoint, Byte.MIN_VALUE, Byte.MAX_VALUE);
  }

  @Override
  protected void doDequantize(Tensor q, float scale, int zeroPoint, Tensor x) {
    MemorySegment in = q.data();
    MemorySegment out = x.data();
    forChunks(q.size(), (from, to) -> dequantize(in, out, from, to, scale, zeroPoint));
  }

  private static void dequantize(MemorySegment in, MemorySegment out, int from, int to,
      float scale, int zeroPoint) {
    float zero = zeroPoint;
    int i = from;
    for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
      ByteVector codes = BYTES_MATCH
          ? ByteVector.fromMemorySegment(B, in, i, ORDER)
          : ByteVector.fromMemorySegment(B, in, i, ORDER, FIRST_L_BYTES);
      FloatVector v = (FloatVector) codes.convertShape(VectorOperators.B2F, S, 0);
      v.sub(zero).mul(scale).intoMemorySegment(out, (long) i * Float.BYTES, ORDER);
    }
    for (; i < to; i++) {
      out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i,
          (float) (in.get(ValueLayout.JAVA_BYTE, i) - zeroPoint) * scale);
    }
  }

  /** Splits an element-wise loop over the pool in vector-aligned chunks when it is large. */
  private static void forChunks(int n, KernelPool.RangeBody body) {
    if (n < PARALLEL_MIN_ELEMENTS) {
      body.run(0, n);
      return;
    }
    int blocks = GemmDriver.ceilDiv(n, 4096);
    KernelPool.shared().parallelFor(blocks, 16,
        (from, to) -> body.run(from * 4096, Math.min(n, to * 4096)));
  }

  @Override
  protected void doGemmInt8(int m, int n, int k, Tensor a, Tensor b, Tensor c) {
    if (m == 0 || n == 0) {
      return;
    }
    MemorySegment cs = c.data();
    if (k == 0) {
      cs.fill((byte) 0);
      return;
    }
    if (m <= Int8Skinny.MAX_ROWS && k <= EXACT_K) {
      Int8Skinny.multiply(m, n, k, a.data(), b.data(), cs);
      return;
    }
    if (k <= EXACT_K) {
      GemmDriver.multiply(GemmOperand.bytes(a.data(), 0, k, false),
          GemmOperand.bytes(b.data(), 0, n, false), m, n, k, new Int32Epilogue(cs, n), true,
          FLOAT_EXACT_DEPTH);
      return;
    }
    long[] sums = new long[m * n];
    int[] slice = new int[m * n];
    MemorySegment sliceSegment = MemorySegment.ofArray(slice);
    for (int p0 = 0; p0 < k; p0 += EXACT_K) {
      int kc = Math.min(EXACT_K, k - p0);
      GemmDriver.multiply(GemmOperand.bytes(a.data(), p0, k, false),
          GemmOperand.bytes(b.data(), (long) p0 * n, n, false), m, n, kc,
          new Int32Epilogue(sliceSegment, n), true, FLOAT_EXACT_DEPTH);
      for (int i = 0; i < sums.length; i++) {
        sums[i] += slice[i];
      }
    }
    for (int i = 0; i < sums.length; i++) {
      cs.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i,
          Math.clamp(sums[i], Integer.MIN_VALUE, Integer.MAX_VALUE));
    }
  }
}
