package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.ConvKernels;

/** Vector API Conv kernels. */
final class SimdConv extends ConvKernels {}
