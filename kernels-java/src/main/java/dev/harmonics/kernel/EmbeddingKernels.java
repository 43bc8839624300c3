package dev.harmonics.kernel;

/** Embedding kernels. Public methods validate their arguments; implementations only assert. */
public abstract class EmbeddingKernels {
  protected EmbeddingKernels() {}
}
