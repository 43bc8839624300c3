package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.GemmKernels;

/** Vector API Gemm kernels. */
final class SimdGemm extends GemmKernels {}
