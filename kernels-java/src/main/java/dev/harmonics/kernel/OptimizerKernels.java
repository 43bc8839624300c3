package dev.harmonics.kernel;

/** Optimizer kernels. Public methods validate their arguments; implementations only assert. */
public abstract class OptimizerKernels {
  protected OptimizerKernels() {}
}
