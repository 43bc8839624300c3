package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.LayoutKernels;

/** Plain-Java Layout kernels: the ground truth in tests. */
final class ReferenceLayout extends LayoutKernels {}
