package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.SoftmaxKernels;

/** Vector API Softmax kernels. */
final class SimdSoftmax extends SoftmaxKernels {}
