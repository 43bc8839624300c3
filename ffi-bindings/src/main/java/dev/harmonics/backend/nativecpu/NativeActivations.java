package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * ReLU, leaky ReLU and scalar-slope PReLU (forward and backward) and the forward of sigmoid, tanh
 * and GELU-tanh in C, whose streaming stores write large outputs without first reading them (the
 * Vector API has no such store). The other functions, every other backward and per-channel PReLU
 * run on the Java backend.
 */
final class NativeActivations extends ActivationKernels {

  private static final long BLOCK = 1 << 16;

  private final NativeKernels nk;
  private final KernelProvider java;
  private final SmallCalls small;

  NativeActivations(NativeKernels nk, KernelProvider java, SmallCalls small) {
    this.nk = nk;
    this.java = java;
    this.small = small;
  }

  private static boolean reluFamily(Activation f) {
    return f == Activation.RELU || f == Activation.LEAKY_RELU || f == Activation.PRELU;
  }

  /** The C code of a function {@code hn_activation_forward} evaluates, or -1. */
  private static int nativeCode(Activation f) {
    return switch (f) {
      case SIGMOID -> NativeKernels.ACTIVATION_SIGMOID;
      case TANH -> NativeKernels.ACTIVATION_TANH;
      case GELU_TANH -> NativeKernels.ACTIVATION_GELU_TANH;
      default -> -1;
    };
  }

  @Override
  protected void forwardKernel(Activation f, float alpha, Tensor x, Tensor y) {
    int code = nativeCode(f);
    if (code >= 0 && !small.inJava(SmallCalls.Kernel.SMOOTH_ACTIVATION, x.size())) {
      MemorySegment xs = x.data();
      MemorySegment ys = y.data();
      Chunks.split(x.size(), BLOCK, x.size(), Chunks.shareable(xs, ys), (from, to) ->
          nk.activationForward(code, to - from, xs.asSlice(4 * from), ys.asSlice(4 * from)));
      return;
    }
    if (!reluFamily(f) || small.inJava(SmallCalls.Kernel.RELU, x.size())) {
      forwardUnchecked(java.activations(), f, alpha, x, y);
      return;
    }
    boolean leaky = f != Activation.RELU;
    float slope = leaky ? alpha : 0f;
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    Chunks.split(x.size(), BLOCK, x.size(), Chunks.shareable(xs, ys), (from, to) ->
        nk.reluForward(to - from, xs.asSlice(4 * from), slope, leaky, ys.asSlice(4 * from)));
  }

  @Override
  protected void backwardKernel(
      Activation f, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    if (!reluFamily(f) || small.inJava(SmallCalls.Kernel.RELU, x.size())) {
      java.activations().backward(f, alpha, x, y, dy, dx);
      return;
    }
    float slope = f == Activation.RELU ? 0f : alpha;
    MemorySegment xs = x.data();
    MemorySegment dys = dy.data();
    MemorySegment dxs = dx.data();
    Chunks.split(x.size(), BLOCK, x.size(), Chunks.shareable(xs, dys, dxs), (from, to) ->
        nk.reluBackward(to - from, xs.asSlice(4 * from), dys.asSlice(4 * from), slope,
            dxs.asSlice(4 * from)));
  }

  @Override
  protected void preluForwardKernel(
      Tensor x, Tensor slope, int outer, int channels, int inner, Tensor y) {
    java.activations().preluForward(x, slope, y);
  }

  @Override
  protected void preluBackwardKernel(Tensor x, Tensor slope, Tensor dy, int outer, int channels,
      int inner, Tensor dx, Tensor dslope) {
    java.activations().preluBackward(x, slope, dy, dx, dslope);
  }
}
