package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.NormKernels;

/** Plain-Java Norm kernels: the ground truth in tests. */
final class ReferenceNorm extends NormKernels {}
