package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.PoolKernels;

/** Plain-Java Pool kernels: the ground truth in tests. */
final class ReferencePool extends PoolKernels {}
