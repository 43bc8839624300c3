package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.PoolKernels;

/** Vector API Pool kernels. */
final class SimdPool extends PoolKernels {}
