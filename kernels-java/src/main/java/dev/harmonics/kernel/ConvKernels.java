package dev.harmonics.kernel;

/** Conv kernels. Public methods validate their arguments; implementations only assert. */
public abstract class ConvKernels {
  protected ConvKernels() {}
}
