package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A 1x1, stride-1, unpadded, ungrouped convolution is a matrix product per image: {@code y[i] =
 * W[o, c] · x[i][c, h * w]}, with both operands already row-major in the tensors. It goes straight
 * to the GEMM, with no band copy: the implicit path's phase-split image would be a plain copy of
 * {@code x} here. {@link ConvForwardPlan} uses it for one image; from batch 8 on the implicit path
 * measured faster.
 */
final class ConvPointwise {

  private ConvPointwise() {}

  /** Whether {@code g} is a convolution this path computes. */
  static boolean suits(ConvGeometry g) {
    return g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0
        && g.padW() == 0 && g.groups() == 1;
  }

  /** {@code y = conv(x, w) + bias} for a geometry that {@link #suits}; {@code bias} may be null. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
      MemorySegment y) {
    int plane = g.oh() * g.ow();
    int c = g.c();
    int o = g.o();
    float[] b = bias == null ? null : bias.toArray(ValueLayout.JAVA_FLOAT);
    // One product per image, each split over the pool by the GEMM: whole images per thread
    // (packing with no fork-join inside) measured no faster at batch 8 on two threads.
    for (int i = 0; i < g.n(); i++) {
      ConvGemm.multiply(o, plane, c, w, 0, x, (long) i * c * plane,
          new ConvOutputSink(y, (long) i * o * plane, plane, b), true);
    }
  }
}
