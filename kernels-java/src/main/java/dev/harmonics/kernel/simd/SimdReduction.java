package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.ReductionKernels;

/** Vector API Reduction kernels. */
final class SimdReduction extends ReductionKernels {}
