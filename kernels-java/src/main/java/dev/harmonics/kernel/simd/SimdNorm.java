package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.NormKernels;

/** Vector API Norm kernels. */
final class SimdNorm extends NormKernels {}
