package dev.harmonics.kernel.simd;

/**
 * Per-thread float buffers for the convolution and pooling kernels, kept between calls so packing
 * does not allocate. Each slot has one use inside one kernel invocation on one thread; a slot grows
 * and never shrinks.
 */
final class NchwScratch {

  private static final ThreadLocal<NchwScratch> LOCAL = ThreadLocal.withInitial(NchwScratch::new);

  private float[] packedA = new float[0];
  private float[] packedB = new float[0];
  private float[] columns = new float[0];
  private float[] outputs = new float[0];

  private NchwScratch() {}

  static NchwScratch get() {
    return LOCAL.get();
  }

  /** Packed weights: the left operand of the forward and input-gradient products. */
  float[] packedA(int length) {
    if (packedA.length < length) {
      packedA = new float[length];
    }
    return packedA;
  }

  /** A band's padded, phase-split image ({@link ConvImage}). */
  float[] packedB(int length) {
    if (packedB.length < length) {
      packedB = new float[length];
    }
    return packedB;
  }

  /** A tile's column panel, a band's rearranged output gradients, or a padded pooling plane. */
  float[] columns(int length) {
    if (columns.length < length) {
      columns = new float[length];
    }
    return columns;
  }

  /**
   * A band's results before they are stored, staged gradients, partial sums, or a block of the
   * direct convolution.
   */
  float[] outputs(int length) {
    if (outputs.length < length) {
      outputs = new float[length];
    }
    return outputs;
  }
}
