package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.EmbeddingKernels;

/** Plain-Java Embedding kernels: the ground truth in tests. */
final class ReferenceEmbedding extends EmbeddingKernels {}
