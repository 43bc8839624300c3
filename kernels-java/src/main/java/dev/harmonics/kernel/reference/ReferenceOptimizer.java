package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.OptimizerKernels;

/** Plain-Java Optimizer kernels: the ground truth in tests. */
final class ReferenceOptimizer extends OptimizerKernels {}
