package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.ElementwiseKernels;

/** Vector API Elementwise kernels. */
final class SimdElementwise extends ElementwiseKernels {}
