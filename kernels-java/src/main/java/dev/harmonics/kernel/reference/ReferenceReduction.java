package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.ReductionKernels;

/** Plain-Java Reduction kernels: the ground truth in tests. */
final class ReferenceReduction extends ReductionKernels {}
