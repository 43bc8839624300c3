package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.ActivationKernels;

/** Plain-Java Activation kernels: the ground truth in tests. */
final class ReferenceActivation extends ActivationKernels {}
