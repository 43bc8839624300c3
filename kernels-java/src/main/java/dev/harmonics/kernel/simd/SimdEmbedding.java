package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.EmbeddingKernels;

/** Vector API Embedding kernels. */
final class SimdEmbedding extends EmbeddingKernels {}
