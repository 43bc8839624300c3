package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.LayoutKernels;

/** Vector API Layout kernels. */
final class SimdLayout extends LayoutKernels {}
