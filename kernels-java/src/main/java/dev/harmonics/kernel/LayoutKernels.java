package dev.harmonics.kernel;

/** Layout kernels. Public methods validate their arguments; implementations only assert. */
public abstract class LayoutKernels {
  protected LayoutKernels() {}
}
