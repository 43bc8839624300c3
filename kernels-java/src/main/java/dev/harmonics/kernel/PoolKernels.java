package dev.harmonics.kernel;

/** Pool kernels. Public methods validate their arguments; implementations only assert. */
public abstract class PoolKernels {
  protected PoolKernels() {}
}
