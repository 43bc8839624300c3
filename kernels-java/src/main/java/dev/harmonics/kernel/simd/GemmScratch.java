package dev.harmonics.kernel.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread working memory of the GEMM kernels: packed A and B blocks, staged rows, the strip of
 * partial sums and gather indices. Packed B is off-heap and aligned to a cache line, so that the
 * micro-kernel's vector loads of it never straddle two lines ({@link GemmMicroKernel}); its memory
 * is freed when the scratch drops it for a larger one. Buffers grow on demand and are kept, so
 * repeated calls allocate nothing; the block budgets of {@link GemmDriver} bound them to about 5 MB
 * per thread up to K = 1024 and 8 MB beyond with 6-row tiles and 2 MB of L2 (a 192-row A block of
 * up to 4096 K steps and the block's partial sums; less with 4-row tiles or a smaller L2), plus
 * {@code 4 * K} floats of A rows after a few-row product. A thread never uses its scratch for two
 * products at once because a GEMM never calls back into user code.
 */
final class GemmScratch {

  private static final ThreadLocal<GemmScratch> PER_THREAD =
      ThreadLocal.withInitial(GemmScratch::new);
  /** Alignment of packed B: a cache line, and a multiple of every vector width. */
  private static final long B_ALIGNMENT = 64;

  private float[] packedA = new float[0];
  private MemorySegment packedB = MemorySegment.NULL;
  private float[] staging = new float[0];
  private float[] panel = new float[0];
  private float[] rows = new float[0];
  private float[] strip = new float[0];
  private float[] blockSums = new float[0];
  private byte[] bytes = new byte[0];
  private int[] ints = new int[0];
  private Object packedBCall;
  private Object packedACall;
  private int packedBBlock = -1;
  private GemmPacking.Interleave interleaveA;
  private GemmPacking.Interleave interleaveB;

  private GemmScratch() {}

  static GemmScratch get() {
    return PER_THREAD.get();
  }

  float[] packedA(int size) {
    if (packedA.length < size) {
      packedA = new float[size];
      packedACall = null;
    }
    return packedA;
  }

  /** A segment of at least {@code floats} floats for packed B, aligned to a cache line. */
  MemorySegment packedB(long floats) {
    long bytes = floats * Float.BYTES;
    if (packedB.byteSize() < bytes) {
      packedB = Arena.ofAuto().allocate(bytes, B_ALIGNMENT);
      forgetPackedB();
    }
    return packedB;
  }

  /** Whether {@link #packedA} holds the whole A of product {@code call}, packed by this thread. */
  boolean holdsPackedA(Object call) {
    return packedACall == call;
  }

  void rememberPackedA(Object call) {
    packedACall = call;
  }

  /** Whether {@link #packedB} still holds column block {@code block} packed for {@code call}. */
  boolean holdsPackedB(Object call, int block) {
    return packedBCall == call && packedBBlock == block;
  }

  void rememberPackedB(Object call, int block) {
    packedBCall = call;
    packedBBlock = block;
  }

  void forgetPackedB() {
    packedBCall = null;
    packedBBlock = -1;
  }

  /** Partial sums of one column strip of C tiles, carried across K chunks. */
  float[] strip(int size) {
    strip = atLeast(strip, size);
    return strip;
  }

  /** One packed panel, assembled in an array before it is copied to packed B. */
  float[] panel(int size) {
    panel = atLeast(panel, size);
    return panel;
  }

  /** Partial sums of a whole block of C tiles, carried across K chunks when K is deep. */
  float[] blockSums(int size) {
    blockSums = atLeast(blockSums, size);
    return blockSums;
  }

  float[] staging(int size) {
    staging = atLeast(staging, size);
    return staging;
  }

  /** Rows of A or of an accumulator, for the paths that do not pack. */
  float[] rows(int size) {
    rows = atLeast(rows, size);
    return rows;
  }

  /** The {@link GemmPacking.Interleave} for a shape, kept per operand while the shape repeats. */
  GemmPacking.Interleave interleave(int rows, int rowStride, int stepStride) {
    boolean forA = rows == GemmMicroKernel.MR;
    GemmPacking.Interleave cached = forA ? interleaveA : interleaveB;
    if (cached == null || cached.rowStride != rowStride || cached.stepStride != stepStride
        || cached.rows != rows) {
      cached = new GemmPacking.Interleave(rows, rowStride, stepStride);
      if (forA) {
        interleaveA = cached;
      } else {
        interleaveB = cached;
      }
    }
    return cached;
  }

  byte[] bytes(int size) {
    if (bytes.length < size) {
      bytes = new byte[size];
    }
    return bytes;
  }

  /** Int32 sums of the int8 paths that do not pack. */
  int[] ints(int size) {
    if (ints.length < size) {
      ints = new int[size];
    }
    return ints;
  }

  private static float[] atLeast(float[] array, int size) {
    return array.length < size ? new float[size] : array;
  }
}
