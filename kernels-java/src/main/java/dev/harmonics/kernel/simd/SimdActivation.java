package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Vector API activation kernels: one pass over contiguous memory ({@link ActivationForwardLoops},
 * {@link ActivationBackwardLoops}), split over the {@link KernelPool} for large tensors unless
 * their memory is confined to the calling thread.
 *
 * <p>Backward derivatives that are cheaper from the forward output use it: sigmoid {@code y (1 -
 * y)}, tanh {@code 1 - y^2}, and for x <= 0 ELU {@code y + alpha} and SELU {@code y + lambda
 * alpha}. They match the x-based definitions to within an absolute error of about one float ulp of
 * 1 (or of alpha) times dy, which is where they differ from the reference.
 */
final class SimdActivation extends ActivationKernels {

  /** Elements per thread for loads and compares only, where threads mostly add bandwidth. */
  private static final int GRAIN_SIMPLE = 1 << 16;
  /** Elements per thread for the transcendental functions, which are compute-bound. */
  private static final int GRAIN_TRANSCENDENTAL = 1 << 13;

  @Override
  protected void forwardKernel(Activation f, float alpha, Tensor x, Tensor y) {
    if (f == Activation.IDENTITY) {
      x.copyTo(y);
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

  private static void forwardRange(Activation f, float a, MemorySegment xs, long xo,
      MemorySegment ys, long yo, int from, int to) {
    switch (f) {
      case IDENTITY -> throw new AssertionError("identity is a copy");
      case RELU -> ActivationForwardLoops.relu(xs, xo, ys, yo, a, from, to);
      case LEAKY_RELU, PRELU -> ActivationForwardLoops.leakyRelu(xs, xo, ys, yo, a, from, to);
      case ELU -> ActivationForwardLoops.elu(xs, xo, ys, yo, a, from, to);
      case SELU -> ActivationForwardLoops.selu(xs, xo, ys, yo, a, from, to);
      case GELU_ERF -> ActivationForwardLoops.geluErf(xs, xo, ys, yo, a, from, to);
      case GELU_TANH -> ActivationForwardLoops.geluTanh(xs, xo, ys, yo, a, from, to);
      case SIGMOID -> ActivationForwardLoops.sigmoid(xs, xo, ys, yo, a, from, to);
      case TANH -> ActivationForwardLoops.tanh(xs, xo, ys, yo, a, from, to);
      case SOFTPLUS -> ActivationForwardLoops.softplus(xs, xo, ys, yo, a, from, to);
      case SOFTSIGN -> ActivationForwardLoops.softsign(xs, xo, ys, yo, a, from, to);
    }
  }

  private static void backwardRange(Activation f, float a, MemorySegment xs, long xo,
      MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int from,
      int to) {
    switch (f) {
      case IDENTITY ->
          ActivationBackwardLoops.identity(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case RELU -> ActivationBackwardLoops.relu(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case LEAKY_RELU, PRELU ->
          ActivationBackwardLoops.leakyRelu(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case ELU -> ActivationBackwardLoops.elu(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case SELU -> ActivationBackwardLoops.selu(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case GELU_ERF ->
          ActivationBackwardLoops.geluErf(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case GELU_TANH ->
          ActivationBackwardLoops.geluTanh(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case SIGMOID ->
          ActivationBackwardLoops.sigmoid(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case TANH -> ActivationBackwardLoops.tanh(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case SOFTPLUS ->
          ActivationBackwardLoops.softplus(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
      case SOFTSIGN ->
          ActivationBackwardLoops.softsign(xs, xo, ys, yo, gs, go, ds, dO, a, from, to);
    }
  }
}
