package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.ConvKernels;

/** Plain-Java Conv kernels: the ground truth in tests. */
final class ReferenceConv extends ConvKernels {}
