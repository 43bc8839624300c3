package dev.harmonics.kernel;

/** Loss kernels. Public methods validate their arguments; implementations only assert. */
public abstract class LossKernels {
  protected LossKernels() {}
}
