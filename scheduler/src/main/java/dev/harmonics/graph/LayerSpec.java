package dev.harmonics.graph;

/**
 * What a layer computes, with its settings: one small immutable record per kind. The record
 * checks its settings when constructed (an {@link IllegalArgumentException} names the setting),
 * infers its output shape from the shape arriving at it, and counts its trainable parameters.
 *
 * <p>Shapes are per sample (no batch dimension). Layers that read "features" read the last
 * dimension; two-dimensional convolution and pooling read {@code {channels, height, width}}.
 */
public sealed interface LayerSpec
    permits Dense, Conv2d, Pool2d, BatchNorm, LayerNorm, Dropout, Flatten, Embedding,
        MultiHeadAttention {

  /** The HARP keyword of this kind, e.g. {@code conv2d}. */
  String kind();

  /**
   * The shape this layer produces from {@code input}.
   *
   * @throws ShapeMismatchException when {@code input} cannot go through this layer
   */
  Shape outputShape(Shape input);

  /** Number of trainable parameters when {@code input} arrives (assumes it fits). */
  long parameterCount(Shape input);

  /**
   * The canonical HARP form with every setting spelled out in a fixed order, e.g.
   * {@code dense(units=256, bias=true)}: what the digest hashes and describe prints.
   */
  String canonical();
}
