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
 * Backward activation loops, {@code dx = dy * f'}, over elements [from, to) of contiguous float
 * memory. Sigmoid and tanh take f' from y alone, ELU and SELU from y where x <= 0: {@code y (1 -
 * y)}, {@code 1 - y^2}, {@code y + alpha}, {@code y + lambda alpha}.
 *
 * <p>Each function has its own method: whole vectors go through vector code (one loop for the
 * cheap functions, the two {@link ActivationPasses} per block of {@link #BLOCK} elements for the
 * transcendental ones), and the last few elements, fewer than a vector, through the scalar double
 * definition in {@link Activation}. One method per function and no masked copy of the vector code
 * keep C2 inlining everything (see {@link ActivationPasses}).
 */
final class ActivationBackwardLoops {

  /** Elements per pass: the x, scratch and output blocks together stay well inside L1. */
  static final int BLOCK = 512;

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
  private static final float SELU_LAMBDA = (float) Activation.SELU_LAMBDA;
  private static final float SELU_SCALE = (float) (Activation.SELU_LAMBDA * Activation.SELU_ALPHA);
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

  private ActivationBackwardLoops() {}

  static void identity(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(step(x, 1f, 1f)).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.IDENTITY, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void relu(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(step(x, 0f, 1f)).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.RELU, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void leakyRelu(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(step(x, alpha, 1f)).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.LEAKY_RELU, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void elu(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment ySpan = ys.asSlice(yo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      FloatVector y = FloatVector.fromMemorySegment(S, ySpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(y.add(alpha).blend(1f, positive(x))).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.ELU, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void selu(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment ySpan = ys.asSlice(yo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      FloatVector y = FloatVector.fromMemorySegment(S, ySpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(seluSlope(x, y)).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.SELU, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void sigmoid(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment ySpan = ys.asSlice(yo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector y = FloatVector.fromMemorySegment(S, ySpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(y.neg().add(1f).mul(y)).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.SIGMOID, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void tanh(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment ySpan = ys.asSlice(yo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector y = FloatVector.fromMemorySegment(S, ySpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(y.neg().fma(y, ONE)).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.TANH, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void softsign(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int n = to - from;
    MemorySegment xSpan = xs.asSlice(xo + 4L * from, 4L * n);
    MemorySegment gSpan = gs.asSlice(go + 4L * from, 4L * n);
    MemorySegment dSpan = ds.asSlice(dO + 4L * from, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xSpan, 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gSpan, 4L * i, ORDER);
      g.mul(softsignSlope(x)).intoMemorySegment(dSpan, 4L * i, ORDER);
    }
    tail(Activation.SOFTSIGN, alpha, xs, xo, gs, go, ds, dO, from + i, to);
  }

  static void softplus(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int bound = from + S.loopBound(to - from);
    float[] e = ActivationScratch.block();
    for (int b = from; b < bound; b += BLOCK) {
      int n = Math.min(BLOCK, bound - b);
      ActivationPasses.expOfNegativeAbs(xs, xo, b, e, n);
      ActivationPasses.sigmoidGradient(xs, xo, e, gs, go, ds, dO, b, n);
    }
    tail(Activation.SOFTPLUS, alpha, xs, xo, gs, go, ds, dO, bound, to);
  }

  static void geluTanh(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int bound = from + S.loopBound(to - from);
    float[] e = ActivationScratch.block();
    for (int b = from; b < bound; b += BLOCK) {
      int n = Math.min(BLOCK, bound - b);
      ActivationPasses.expOfGeluTanhClamped(xs, xo, b, e, n);
      ActivationPasses.geluTanhGradient(xs, xo, e, gs, go, ds, dO, b, n);
    }
    tail(Activation.GELU_TANH, alpha, xs, xo, gs, go, ds, dO, bound, to);
  }

  static void geluErf(MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs,
      long go, MemorySegment ds, long dO, float alpha, int from, int to) {
    int bound = from + S.loopBound(to - from);
    float[] e = ActivationScratch.block();
    for (int b = from; b < bound; b += BLOCK) {
      int n = Math.min(BLOCK, bound - b);
      GeluErfPasses.exponentials(xs, xo, b, e, n);
      ActivationPasses.geluErfGradient(xs, xo, e, gs, go, ds, dO, b, n);
    }
    tail(Activation.GELU_ERF, alpha, xs, xo, gs, go, ds, dO, bound, to);
  }

  /** {@code x > 0 ? high : low}, and NaN where x is NaN. */
  private static FloatVector step(FloatVector x, float low, float high) {
    return FloatVector.broadcast(S, low).blend(high, positive(x))
        .blend(x, SimdActivationMath.isNaN(x));
  }

  /** SELU': lambda for x > 0, else lambda alpha e^x = y + lambda alpha. */
  private static FloatVector seluSlope(FloatVector x, FloatVector y) {
    return y.add(SELU_SCALE).blend(SELU_LAMBDA, positive(x));
  }

  private static FloatVector softsignSlope(FloatVector x) {
    FloatVector a = x.abs().add(1f);
    return ONE.div(a.mul(a));
  }

  /** dx[i] = dy[i] * f'(x[i]) in double for the last elements, fewer than a vector. */
  private static void tail(Activation f, float alpha, MemorySegment xs, long xo, MemorySegment gs,
      long go, MemorySegment ds, long dO, int from, int to) {
    for (int i = from; i < to; i++) {
      double slope = f.derivativeAsDouble(xs.get(F, xo + 4L * i), alpha);
      ds.set(F, dO + 4L * i, (float) (gs.get(F, go + 4L * i) * slope));
    }
  }

  private static VectorMask<Float> positive(FloatVector x) {
    return x.compare(VectorOperators.GT, 0f);
  }
}
