package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.LossKernels;

/** Vector API Loss kernels. */
final class SimdLoss extends LossKernels {}
