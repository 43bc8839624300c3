package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * int8 GEMM through {@code hn_gemm_s8s8s32} (AVX-512 VNNI {@code vpdpbusd} where the CPU has it,
 * AVX2 {@code vpmaddwd} otherwise), split over the pool by row blocks; quantise and dequantise run
 * on the Java backend. Products of at most {@link NativeGemm#STREAMED_ROWS} rows go to the SIMD
 * backend, which streams int8 B once instead of packing it (1 x 4096 x 4096: 0.8 GOP/s in C, 21
 * on SIMD, same JMH run).
 */
final class NativeQuant extends QuantKernels {

  private static final long ROW_BLOCK = 32;

  private final NativeKernels nk;
  private final KernelProvider java;
  private final boolean javaStreams;

  NativeQuant(NativeKernels nk, KernelProvider java) {
    this.nk = nk;
    this.java = java;
    this.javaStreams = java.backend() == Backend.SIMD;
  }

  @Override
  protected void doQuantize(Tensor x, float scale, int zeroPoint, Tensor q) {
    java.quant().quantize(x, scale, zeroPoint, q);
  }

  @Override
  protected void doDequantize(Tensor q, float scale, int zeroPoint, Tensor x) {
    java.quant().dequantize(q, scale, zeroPoint, x);
  }

  @Override
  protected void doGemmInt8(int m, int n, int k, Tensor a, Tensor b, Tensor c) {
    if (m <= NativeGemm.STREAMED_ROWS && javaStreams) {
      java.quant().gemmInt8(a, b, c);
      return;
    }
    MemorySegment as = a.data();
    MemorySegment bs = b.data();
    MemorySegment cs = c.data();
    long work = (long) m * n * Math.max(k, 1);
    long lda = Math.max(1, k);
    long ldb = Math.max(1, n);
    Chunks.split(m, ROW_BLOCK, work, Chunks.shareable(as, bs, cs), (i0, i1) -> nk.gemmS8(i1 - i0,
        n, k, as.asSlice(i0 * k), lda, bs, ldb, cs.asSlice(4 * i0 * n), ldb));
  }
}
