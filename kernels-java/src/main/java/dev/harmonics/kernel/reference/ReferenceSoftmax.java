package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.SoftmaxKernels;

/** Plain-Java Softmax kernels: the ground truth in tests. */
final class ReferenceSoftmax extends SoftmaxKernels {}
