package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.ActivationKernels;

/** Vector API Activation kernels. */
final class SimdActivation extends ActivationKernels {}
