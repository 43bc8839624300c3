package dev.harmonics.kernel;

/** Norm kernels. Public methods validate their arguments; implementations only assert. */
public abstract class NormKernels {
  protected NormKernels() {}
}
