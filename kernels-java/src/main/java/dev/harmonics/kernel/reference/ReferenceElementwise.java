package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.ElementwiseKernels;

/** Plain-Java Elementwise kernels: the ground truth in tests. */
final class ReferenceElementwise extends ElementwiseKernels {}
