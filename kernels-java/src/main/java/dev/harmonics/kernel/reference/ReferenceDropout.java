package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.DropoutKernels;

/** Plain-Java Dropout kernels: the ground truth in tests. */
final class ReferenceDropout extends DropoutKernels {}
