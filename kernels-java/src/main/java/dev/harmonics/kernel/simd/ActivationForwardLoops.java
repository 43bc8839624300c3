package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.Activation;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Forward activation loops over elements [from, to) of contiguous float memory.
 *
 * <p>Each function has its own method: whole vectors go through vector code (one loop for the
 * cheap functions and for sigmoid, tanh and GELU-tanh, the two {@link ActivationPasses} per block
 * of {@link #BLOCK} elements for the other transcendental ones), and the last few elements, fewer
 * than a vector, through the scalar double definition in {@link Activation}. One method per
 * function and no masked copy of the vector code keep C2 inlining everything (see {@link
 * ActivationPasses}).
 */
final class ActivationForwardLoops {

  /** Elements per pass: the x, scratch and output blocks together stay well inside L1. */
  static final int BLOCK = 512;

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  private ActivationForwardLoops() {}

  static void relu(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment ySpan = ys.asSlice(yo + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      x.max(0f).intoMemorySegment(ySpan, 4L * i, ORDER);
    }
    tail(Activation.RELU, alpha, xs, xo, ys, yo, from + i, to);
  }

  static void leakyRelu(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment ySpan = ys.asSlice(yo + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      x.mul(alpha).blend(x, positive(x)).intoMemorySegment(ySpan, 4L * i, ORDER);
    }
    tail(Activation.LEAKY_RELU, alpha, xs, xo, ys, yo, from + i, to);
  }

  static void softsign(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment ySpan = ys.asSlice(yo + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      softsignOf(x).intoMemorySegment(ySpan, 4L * i, ORDER);
    }
    tail(Activation.SOFTSIGN, alpha, xs, xo, ys, yo, from + i, to);
  }

  static void elu(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int bound = from + S.loopBound(to - from);
    float[] e = ActivationScratch.block();
    for (int b = from; b < bound; b += BLOCK) {
      int n = Math.min(BLOCK, bound - b);
      ActivationPasses.expOfX(xs, xo, b, e, n);
      ActivationPasses.elu(xs, xo, e, ys, yo, b, n, alpha);
    }
    tail(Activation.ELU, alpha, xs, xo, ys, yo, bound, to);
  }

  static void selu(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int bound = from + S.loopBound(to - from);
    float[] e = ActivationScratch.block();
    for (int b = from; b < bound; b += BLOCK) {
      int n = Math.min(BLOCK, bound - b);
      ActivationPasses.expOfX(xs, xo, b, e, n);
      ActivationPasses.selu(xs, xo, e, ys, yo, b, n);
    }
    tail(Activation.SELU, alpha, xs, xo, ys, yo, bound, to);
  }

  static void sigmoid(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int bound = from + S.loopBound(to - from);
    ActivationPasses.sigmoidFused(xs, xo, ys, yo, from, bound - from);
    tail(Activation.SIGMOID, alpha, xs, xo, ys, yo, bound, to);
  }

  static void tanh(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int bound = from + S.loopBound(to - from);
    ActivationPasses.tanhFused(xs, xo, ys, yo, from, bound - from);
    tail(Activation.TANH, alpha, xs, xo, ys, yo, bound, to);
  }

  static void softplus(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int bound = from + S.loopBound(to - from);
    float[] e = ActivationScratch.block();
    for (int b = from; b < bound; b += BLOCK) {
      int n = Math.min(BLOCK, bound - b);
      ActivationPasses.expOfNegativeAbs(xs, xo, b, e, n);
      ActivationPasses.softplus(xs, xo, e, ys, yo, b, n);
    }
    tail(Activation.SOFTPLUS, alpha, xs, xo, ys, yo, bound, to);
  }

  static void geluTanh(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int bound = from + S.loopBound(to - from);
    ActivationPasses.geluTanhFused(xs, xo, ys, yo, from, bound - from);
    tail(Activation.GELU_TANH, alpha, xs, xo, ys, yo, bound, to);
  }

  static void geluErf(MemorySegment xs, long xo, MemorySegment ys, long yo, float alpha,
      int from, int to) {
    int bound = from + S.loopBound(to - from);
    float[] e = ActivationScratch.block();
    for (int b = from; b < bound; b += BLOCK) {
      int n = Math.min(BLOCK, bound - b);
      GeluErfPasses.exponentials(xs, xo, b, e, n);
      GeluErfPasses.finish(xs, xo, e, ys, yo, b, n);
    }
    tail(Activation.GELU_ERF, alpha, xs, xo, ys, yo, bound, to);
  }

  /** x / (1 + |x|), with |x| capped where 1 + |x| == |x| so that +-inf gives +-1, not NaN. */
  private static FloatVector softsignOf(FloatVector x) {
    FloatVector low = x.blend(-1e30f, x.compare(VectorOperators.LT, -1e30f));
    FloatVector xc = low.blend(1e30f, low.compare(VectorOperators.GT, 1e30f));
    return xc.div(xc.abs().add(1f));
  }

  /** y[i] = f(x[i]) in double for the last elements, fewer than a vector. */
  private static void tail(Activation f, float alpha, MemorySegment xs, long xo, MemorySegment ys,
      long yo, int from, int to) {
    for (int i = from; i < to; i++) {
      ys.set(F, yo + 4L * i, f.apply(xs.get(F, xo + 4L * i), alpha));
    }
  }

  private static VectorMask<Float> positive(FloatVector x) {
    return x.compare(VectorOperators.GT, 0f);
  }
}
