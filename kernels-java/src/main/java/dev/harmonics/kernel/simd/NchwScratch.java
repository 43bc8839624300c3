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

  /** Packed weights (the left operand of a matrix product). */
  float[] packedA(int length) {
    if (packedA.length < length) {
      packedA = new float[length];
    }
    return packedA;
  }

  /** Packed image columns or gradients (the right operand of a matrix product). */
  float[] packedB(int length) {
    if (packedB.length < length) {
      packedB = new float[length];
    }
    return packedB;
  }

  /** Unpacked im2col rows, or a copy of an input plane. */
  float[] columns(int length) {
    if (columns.length < length) {
      columns = new float[length];
    }
    return columns;
  }

  /** Products waiting to be scattered or reduced into a destination. */
  float[] outputs(int length) {
    if (outputs.length < length) {
      outputs = new float[length];
    }
    return outputs;
  }
}
