package dev.harmonics.kernel;

/** Activation kernels. Public methods validate their arguments; implementations only assert. */
public abstract class ActivationKernels {
  protected ActivationKernels() {}
}
