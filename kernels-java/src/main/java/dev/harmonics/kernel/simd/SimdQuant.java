package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.QuantKernels;

/** Vector API Quant kernels. */
final class SimdQuant extends QuantKernels {}
