package dev.harmonics.kernel;

/** Gemm kernels. Public methods validate their arguments; implementations only assert. */
public abstract class GemmKernels {
  protected GemmKernels() {}
}
