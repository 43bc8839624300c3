package dev.harmonics.kernel;

/** Elementwise kernels. Public methods validate their arguments; implementations only assert. */
public abstract class ElementwiseKernels {
  protected ElementwiseKernels() {}
}
