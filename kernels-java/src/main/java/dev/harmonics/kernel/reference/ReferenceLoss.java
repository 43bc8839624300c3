package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.LossKernels;

/** Plain-Java Loss kernels: the ground truth in tests. */
final class ReferenceLoss extends LossKernels {}
