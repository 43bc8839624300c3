package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.GemmKernels;

/** Plain-Java Gemm kernels: the ground truth in tests. */
final class ReferenceGemm extends GemmKernels {}
