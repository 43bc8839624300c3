package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.DropoutKernels;

/** Vector API Dropout kernels. */
final class SimdDropout extends DropoutKernels {}
