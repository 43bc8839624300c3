package dev.harmonics.kernel;

/** Reduction kernels. Public methods validate their arguments; implementations only assert. */
public abstract class ReductionKernels {
  protected ReductionKernels() {}
}
