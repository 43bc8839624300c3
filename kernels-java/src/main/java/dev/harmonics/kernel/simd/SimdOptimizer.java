package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.OptimizerKernels;

/** Vector API Optimizer kernels. */
final class SimdOptimizer extends OptimizerKernels {}
