package dev.harmonics.kernel;

/** Quant kernels. Public methods validate their arguments; implementations only assert. */
public abstract class QuantKernels {
  protected QuantKernels() {}
}
