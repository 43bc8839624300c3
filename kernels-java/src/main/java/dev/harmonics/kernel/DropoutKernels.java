package dev.harmonics.kernel;

/** Dropout kernels. Public methods validate their arguments; implementations only assert. */
public abstract class DropoutKernels {
  protected DropoutKernels() {}
}
