package dev.harmonics.kernel;

/** Softmax kernels. Public methods validate their arguments; implementations only assert. */
public abstract class SoftmaxKernels {
  protected SoftmaxKernels() {}
}
