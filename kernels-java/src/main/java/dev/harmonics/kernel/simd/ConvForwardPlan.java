package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Which algorithm computes a forward convolution, chosen per shape. Each rule is the outcome of
 * side-by-side JMH runs against im2col + OpenBLAS (docs/performance.md, "Convolution against
 * im2col + OpenBLAS"):
 *
 * <ul>
 *   <li>{@link Algorithm#POINTWISE_GEMM}: a 1x1, stride-1, unpadded, ungrouped convolution of
 *       one image is already a GEMM; the implicit path's band copy is a plain copy of the input.
 *       On 64 to 256 channels over 56x56 it ran at 100-103 GFLOP/s against 59-92 for the
 *       implicit path (one thread) and 100 against 64-86 (two threads). From batch 8 on the
 *       implicit path wins instead: equal on one thread, 157-172 against 47-69 on two, where it
 *       spreads whole images over the threads and the GEMM splits each product.
 *   <li>{@link Algorithm#DIRECT}: at most {@link #DIRECT_MAX_TAPS} taps per output (one or three
 *       input channels) and at least {@link ConvDirect#OB} output channels per group (its block;
 *       fewer would leave most of it idle, as in a depthwise layer): the packing and panel copies
 *       of a GEMM cost as much as the short reduction itself. Only with 32 vector registers,
 *       which its 16-accumulator block needs ({@link #DIRECT_PAYS}).
 *   <li>{@link Algorithm#IMPLICIT_GEMM} otherwise ({@link ConvForward}), the fastest on the
 *       ResNet 3x3 layers and on small maps with a few dozen channels (the Fashion-MNIST 32 to 64
 *       layer on 14x14), where an explicit im2col into a scratch buffer plus one GEMM over the
 *       whole batch was tried and ran at 60-70% of its speed.
 * </ul>
 *
 * <p>The system property {@code harmonics.conv.forward} (an {@link Algorithm} name) forces one
 * algorithm wherever it applies, so that the rules can be re-measured on another machine.
 */
final class ConvForwardPlan {

  /** The forward convolution algorithms. */
  enum Algorithm { POINTWISE_GEMM, DIRECT, IMPLICIT_GEMM }

  /** Most taps ({@code c / groups * kh * kw}) for the direct path: a 3x3 over three channels. */
  static final int DIRECT_MAX_TAPS = 27;
  /**
   * Whether the direct path is worth choosing: its 16-accumulator block needs 32 vector registers.
   * On an AVX2 machine (Zen 3, 16 registers) the Fashion-MNIST 1->32 layer ran at 0.75-0.92 of
   * im2col + OpenBLAS by the direct path, with 8 or with 4 channels per block, and at 0.94-1.11
   * by the implicit GEMM.
   */
  private static final boolean DIRECT_PAYS = SimdSpecies.VECTOR_REGISTERS >= 32;

  private static final Algorithm FORCED = forced(System.getProperty("harmonics.conv.forward"));

  private ConvForwardPlan() {}

  /** The algorithm for geometry {@code g}. */
  static Algorithm choose(ConvGeometry g) {
    if (FORCED != null && accepts(FORCED, g)) {
      return FORCED;
    }
    return measured(g);
  }

  /** The algorithm the measurements pick for {@code g}. */
  static Algorithm measured(ConvGeometry g) {
    if (ConvPointwise.suits(g) && g.n() == 1) {
      return Algorithm.POINTWISE_GEMM;
    }
    if (DIRECT_PAYS && g.taps() <= DIRECT_MAX_TAPS && g.og() >= ConvDirect.OB) {
      return Algorithm.DIRECT;
    }
    return Algorithm.IMPLICIT_GEMM;
  }

  /** Whether {@code algorithm} computes geometry {@code g}. */
  static boolean accepts(Algorithm algorithm, ConvGeometry g) {
    return switch (algorithm) {
      case POINTWISE_GEMM -> ConvPointwise.suits(g);
      case DIRECT, IMPLICIT_GEMM -> true;
    };
  }

  private static Algorithm forced(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    try {
      return Algorithm.valueOf(name.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("harmonics.conv.forward: '" + name + "' (expected one of "
          + Arrays.toString(Algorithm.values()) + ")", e);
    }
  }

  /** {@code y = conv(x, w) + bias} by the algorithm chosen for {@code g}; bias may be null. */
  static void run(ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
      MemorySegment y) {
    run(choose(g), g, x, w, bias, y);
  }

  /** The same by a given algorithm, which must {@link #accepts} {@code g}. */
  static void run(Algorithm algorithm, ConvGeometry g, MemorySegment x, MemorySegment w,
      MemorySegment bias, MemorySegment y) {
    switch (algorithm) {
      case POINTWISE_GEMM -> ConvPointwise.run(g, x, w, bias, y);
      case DIRECT -> ConvDirect.run(g, x, w, bias, y);
      case IMPLICIT_GEMM -> ConvForward.run(g, x, w, bias, y);
    }
  }
}
