package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.QuantKernels;

/** Plain-Java Quant kernels: the ground truth in tests. */
final class ReferenceQuant extends QuantKernels {}
