package dev.harmonics.backend.nativecpu;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * GEMM through {@code hn_sgemm}. Large products are split over the kernel pool by row blocks, or by
 * column blocks when there are too few rows to keep every thread busy; each block is one call
 * that packs its own panels. ReLU-family activations run in the C epilogue; any other activation
 * runs afterwards, in place, on the Java backend's activation kernel.
 *
 * <p>Products of at most {@link #STREAMED_ROWS} rows go to the SIMD backend when it runs: the C
 * kernel packs all of B even for one row, while the SIMD one streams B once (1 x 4096 x 4096:
 * 2.2 GFLOP/s here, 9.6 on SIMD, same JMH run of {@code Int8GemmBenchmark}).
 */
final class NativeGemm extends GemmKernels {

  /** Rows per task: a multiple of every micro-kernel height (4, 6, 12). */
  private static final long ROW_BLOCK = 48;
  /**
   * Below this many multiply-adds (128³) a product runs on the calling thread: each thread packs
   * all of B for its rows. Two threads against one, wall clock, both cores free ({@code
   * GemmSplitRounds 2 5 200 native-cpu} with no threshold): 64 x 128 x 128 0.97, 128³ 1.14, 128 x
   * 256 x 128 1.43, 256³ 1.77. With the pool's earlier parked threads the line was at 8 million
   * (128 x 256 x 128 split ran at 0.71 of one thread).
   */
  private static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 21;
  /** Columns per task when splitting by columns: a multiple of every panel width (16, 32). */
  private static final long COLUMN_BLOCK = 128;

  /** Most rows of a product the SIMD backend's streaming path takes over. */
  static final int STREAMED_ROWS = 4;

  private final NativeKernels nk;
  private final KernelProvider java;
  private final boolean javaStreams;

  NativeGemm(NativeKernels nk, KernelProvider java) {
    this.nk = nk;
    this.java = java;
    this.javaStreams = java.backend() == Backend.SIMD;
  }

  @Override
  protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c, Tensor bias, Activation activation,
      float activationAlpha) {
    if (m <= STREAMED_ROWS && javaStreams) {
      java.gemm().gemm(transA, transB, alpha, a, b, beta, c, bias, activation, activationAlpha);
      return;
    }
    int code = epilogueCode(activation);
    MemorySegment biasData = bias == null ? MemorySegment.NULL : bias.data();
    gemm(transA, transB, m, n, k, alpha, a.data(), b.data(), beta, c.data(), biasData, false,
        Math.max(code, 0), activationAlpha);
    if (code < 0) {
      java.activations().forward(activation, activationAlpha, c, c);
    }
  }

  @Override
  protected void doBatchedMatmul(boolean transA, boolean transB, int batch, int m, int n, int k,
      Tensor a, Tensor b, boolean broadcastB, Tensor c) {
    MemorySegment as = a.data();
    MemorySegment bs = b.data();
    MemorySegment cs = c.data();
    long aBytes = 4L * m * k;
    long bBytes = broadcastB ? 0 : 4L * k * n;
    long cBytes = 4L * m * n;
    long entryWork = (long) m * n * Math.max(k, 1);
    if (entryWork >= Chunks.INLINE_WORK * KernelPool.shared().parallelism()) {
      // Each product is big enough to be split on its own.
      for (int i = 0; i < batch; i++) {
        gemm(transA, transB, m, n, k, 1f, as.asSlice(i * aBytes, aBytes),
            bs.asSlice(i * bBytes, 4L * k * n), 0f, cs.asSlice(i * cBytes, cBytes),
            MemorySegment.NULL, false, 0, 0f);
      }
      return;
    }
    // Many small products (attention heads, say): whole entries per task, one call each.
    long lda = Math.max(1, transA ? m : k);
    long ldb = Math.max(1, transB ? k : n);
    Chunks.split(batch, 1, entryWork * batch, Chunks.shareable(as, bs, cs), (from, to) -> {
      for (long i = from; i < to; i++) {
        nk.sgemm(transA, transB, m, n, k, 1f, as.asSlice(i * aBytes, aBytes), lda,
            bs.asSlice(i * bBytes, 4L * k * n), ldb, 0f, cs.asSlice(i * cBytes, cBytes),
            Math.max(1, n), MemorySegment.NULL, 0, 0f);
      }
    });
  }

  /** The C epilogue's code for {@code activation}, or -1 when the C side does not do it. */
  private static int epilogueCode(Activation activation) {
    return switch (activation) {
      case IDENTITY -> 0;
      case RELU -> 1;
      case LEAKY_RELU -> 2;
      case PRELU -> 3;
      default -> -1;
    };
  }

  /**
   * {@code C = A·B + rowBias} on row-major segments ({@code A [m, k]}, {@code B [k, n]}, {@code C
   * [m, n]}, {@code rowBias [m]} or {@link MemorySegment#NULL}), split over the pool like any
   * product of this backend. C is written, never read.
   */
  void multiplyRowBias(long m, long n, long k, MemorySegment a, MemorySegment b,
      MemorySegment rowBias, MemorySegment c) {
    gemm(false, false, m, n, k, 1f, a, b, 0f, c, rowBias, true, 0, 0f);
  }

  private void gemm(boolean transA, boolean transB, long m, long n, long k, float alpha,
      MemorySegment as, MemorySegment bs, float beta, MemorySegment cs, MemorySegment bias,
      boolean biasPerRow, int code, float actAlpha) {
    long lda = Math.max(1, transA ? m : k);
    long ldb = Math.max(1, transB ? k : n);
    long ldc = Math.max(1, n);
    long work = m * n * Math.max(k, 1);
    if (work < PARALLEL_MIN_MULTIPLY_ADDS) {
      sgemm(biasPerRow, transA, transB, m, n, k, alpha, as, lda, bs, ldb, beta, cs, ldc, bias,
          code, actAlpha);
      return;
    }
    boolean shareable = Chunks.shareable(as, bs, cs, bias);
    if (m >= 2 * ROW_BLOCK) {
      Chunks.split(m, ROW_BLOCK, work, shareable, (i0, i1) -> sgemm(biasPerRow, transA, transB,
          i1 - i0, n, k, alpha, as.asSlice(4 * (transA ? i0 : i0 * lda)), lda, bs, ldb, beta,
          cs.asSlice(4 * i0 * n), ldc, biasPerRow ? from(bias, i0) : bias, code, actAlpha));
    } else {
      Chunks.split(n, COLUMN_BLOCK, work, shareable, (j0, j1) -> sgemm(biasPerRow, transA, transB,
          m, j1 - j0, k, alpha, as, lda, bs.asSlice(4 * (transB ? j0 * ldb : j0)), ldb, beta,
          cs.asSlice(4 * j0), ldc, biasPerRow ? bias : from(bias, j0), code, actAlpha));
    }
  }

  /** {@code hn_sgemm}, or {@code hn_sgemm_row_bias} when the bias holds one value per row. */
  private void sgemm(boolean biasPerRow, boolean transA, boolean transB, long m, long n, long k,
      float alpha, MemorySegment a, long lda, MemorySegment b, long ldb, float beta,
      MemorySegment c, long ldc, MemorySegment bias, int code, float actAlpha) {
    if (biasPerRow) {
      nk.sgemmRowBias(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, code,
          actAlpha);
    } else {
      nk.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, code,
          actAlpha);
    }
  }

  /** The bias from element {@code first} on; {@link MemorySegment#NULL} stays as it is. */
  private static MemorySegment from(MemorySegment bias, long first) {
    return bias.equals(MemorySegment.NULL) ? bias : bias.asSlice(4 * first);
  }
}
