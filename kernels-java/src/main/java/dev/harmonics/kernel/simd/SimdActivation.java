package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdActivationMath.isNaN;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activation kernels: one pass over contiguous memory, a vector body and a masked tail
 * through the same lane function, split over the {@link KernelPool} for large tensors (unless
 * their memory is confined to the calling thread).
 *
 * <p>Backward derivatives that are cheaper from the forward output use it: sigmoid {@code y (1 -
 * y)}, tanh {@code 1 - y^2}, and for x <= 0 ELU {@code y + alpha} and SELU {@code y + lambda
 * alpha}. These match the x-based definitions to within an absolute error of about one float ulp of
 * 1 (or of alpha) times dy, which is where they differ from the reference.
 */
final class SimdActivation extends ActivationKernels {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** Elements per thread for loads and compares only, where threads mostly add bandwidth. */
  private static final int GRAIN_SIMPLE = 1 << 16;
  /** Elements per thread for the transcendental functions, which are compute-bound. */
  private static final int GRAIN_TRANSCENDENTAL = 1 << 13;

  private static final float SELU_LAMBDA = (float) Activation.SELU_LAMBDA;
  private static final float SELU_SCALE = (float) (Activation.SELU_LAMBDA * Activation.SELU_ALPHA);

  @Override
  protected void forwardKernel(Activation f, float alpha, Tensor x, Tensor y) {
    if (f == Activation.IDENTITY) {
      if (!x.storage().equals(y.storage()) || x.byteOffset() != y.byteOffset()) {
        x.copyTo(y);
      }
      return;
    }
    MemorySegment xs = x.storage();
    MemorySegment ys = y.storage();
    long xo = x.byteOffset();
    long yo = y.byteOffset();
    int n = x.size();
    int grain = grain(f);
    if (n <= grain || !PointwiseThreads.shareable(x, y)) {
      forwardRange(f, alpha, xs, xo, ys, yo, 0, n);
    } else {
      KernelPool.shared().parallelFor(n, grain,
          (from, to) -> forwardRange(f, alpha, xs, xo, ys, yo, from, to));
    }
  }

  @Override
  protected void backwardKernel(
      Activation f, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    MemorySegment xs = x.storage();
    MemorySegment ys = y.storage();
    MemorySegment gs = dy.storage();
    MemorySegment ds = dx.storage();
    long xo = x.byteOffset();
    long yo = y.byteOffset();
    long go = dy.byteOffset();
    long dO = dx.byteOffset();
    int n = x.size();
    int grain = grain(f);
    if (n <= grain || !PointwiseThreads.shareable(x, y, dy, dx)) {
      backwardRange(f, alpha, xs, xo, ys, yo, gs, go, ds, dO, 0, n);
    } else {
      KernelPool.shared().parallelFor(n, grain,
          (from, to) -> backwardRange(f, alpha, xs, xo, ys, yo, gs, go, ds, dO, from, to));
    }
  }

  @Override
  protected void preluForwardKernel(
      Tensor x, Tensor slope, int outer, int channels, int inner, Tensor y) {
    new SimdPrelu(x, slope, outer, channels, inner).forward(y);
  }

  @Override
  protected void preluBackwardKernel(Tensor x, Tensor slope, Tensor dy, int outer, int channels,
      int inner, Tensor dx, Tensor dslope) {
    new SimdPrelu(x, slope, outer, channels, inner).backward(dy, dx, dslope);
  }

  private static int grain(Activation f) {
    return switch (f) {
      case IDENTITY, RELU, LEAKY_RELU, PRELU, SOFTSIGN -> GRAIN_SIMPLE;
      default -> GRAIN_TRANSCENDENTAL;
    };
  }

  private static void forwardRange(Activation f, float alpha, MemorySegment xs, long xo,
      MemorySegment ys, long yo, int from, int to) {
    int i = from;
    for (int bound = from + S.loopBound(to - from); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER);
      forward(f, alpha, v).intoMemorySegment(ys, yo + 4L * i, ORDER);
    }
    if (i < to) {
      VectorMask<Float> m = S.indexInRange(i, to);
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER, m);
      forward(f, alpha, v).intoMemorySegment(ys, yo + 4L * i, ORDER, m);
    }
  }

  private static void backwardRange(Activation f, float alpha, MemorySegment xs, long xo,
      MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int from,
      int to) {
    int i = from;
    for (int bound = from + S.loopBound(to - from); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER);
      FloatVector out = FloatVector.fromMemorySegment(S, ys, yo + 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gs, go + 4L * i, ORDER);
      g.mul(derivative(f, alpha, v, out)).intoMemorySegment(ds, dO + 4L * i, ORDER);
    }
    if (i < to) {
      VectorMask<Float> m = S.indexInRange(i, to);
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER, m);
      FloatVector out = FloatVector.fromMemorySegment(S, ys, yo + 4L * i, ORDER, m);
      FloatVector g = FloatVector.fromMemorySegment(S, gs, go + 4L * i, ORDER, m);
      g.mul(derivative(f, alpha, v, out)).intoMemorySegment(ds, dO + 4L * i, ORDER, m);
    }
  }

  private static FloatVector forward(Activation f, float alpha, FloatVector x) {
    return switch (f) {
      case IDENTITY -> x;
      case RELU -> x.max(0f);
      case LEAKY_RELU, PRELU -> x.mul(alpha).blend(x, positive(x));
      case ELU -> SimdActivationMath.expm1(x).mul(alpha).blend(x, positive(x));
      case SELU -> SimdActivationMath.expm1(x).mul(SELU_SCALE)
          .blend(x.mul(SELU_LAMBDA), positive(x));
      case GELU_ERF -> SimdActivationMath.geluErf(x);
      case GELU_TANH -> SimdActivationMath.geluTanh(x);
      case SIGMOID -> SimdActivationMath.sigmoid(x);
      case TANH -> SimdActivationMath.tanh(x);
      case SOFTPLUS -> SimdActivationMath.softplus(x);
      case SOFTSIGN -> {
        // Capping |x| where 1 + |x| == |x| already makes +-inf give +-1 rather than NaN.
        FloatVector xc = x.max(-1e30f).min(1e30f);
        yield xc.div(xc.abs().add(1f));
      }
    };
  }

  /** f'(x), given x and y = f(x); NaN where x is NaN. */
  private static FloatVector derivative(Activation f, float alpha, FloatVector x, FloatVector y) {
    return switch (f) {
      case IDENTITY -> step(x, 1f, 1f);
      case RELU -> step(x, 0f, 1f);
      case LEAKY_RELU, PRELU -> step(x, alpha, 1f);
      case ELU -> y.add(alpha).blend(1f, positive(x));
      case SELU -> y.add(SELU_SCALE).blend(SELU_LAMBDA, positive(x));
      case GELU_ERF -> SimdActivationMath.geluErfDerivative(x);
      case GELU_TANH -> SimdActivationMath.geluTanhDerivative(x);
      case SIGMOID -> y.neg().add(1f).mul(y);
      case TANH -> y.neg().fma(y, FloatVector.broadcast(S, 1f));
      case SOFTPLUS -> SimdActivationMath.sigmoid(x);
      case SOFTSIGN -> {
        FloatVector a = x.abs().add(1f);
        yield FloatVector.broadcast(S, 1f).div(a.mul(a));
      }
    };
  }

  /** {@code x > 0 ? high : low}, and NaN where x is NaN. */
  private static FloatVector step(FloatVector x, float low, float high) {
    return FloatVector.broadcast(S, low).blend(high, positive(x)).blend(x, isNaN(x));
  }

  private static VectorMask<Float> positive(FloatVector x) {
    return x.compare(VectorOperators.GT, 0f);
  }
}
