package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax over the last (contiguous) axis in C, rows split over the pool; softmax
 * over an inner axis and both backward kernels run on the Java backend (the tensor seen as {@code
 * [outer, length, inner]}, axis 1).
 */
final class NativeSoftmax extends SoftmaxKernels {

  private final NativeKernels nk;
  private final KernelProvider java;
  private final SmallCalls small;

  NativeSoftmax(NativeKernels nk, KernelProvider java, SmallCalls small) {
    this.nk = nk;
    this.java = java;
    this.small = small;
  }

  @Override
  protected void doSoftmax(Tensor x, Tensor y, int outer, int length, int inner, boolean log) {
    if (inner == 1 && small.inJava(SmallCalls.Kernel.SOFTMAX, x.size())) {
      softmaxUnchecked(java.softmax(), x, y, outer, length, inner, log);
      return;
    }
    if (inner != 1) {
      Tensor xv = x.reshape(outer, length, inner);
      Tensor yv = y.reshape(outer, length, inner);
      if (log) {
        java.softmax().logSoftmax(xv, 1, yv);
      } else {
        java.softmax().softmax(xv, 1, yv);
      }
      return;
    }
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    long rowBlock = Math.max(1, (1 << 14) / Math.max(1, length));
    Chunks.split(outer, rowBlock, (long) outer * length, Chunks.shareable(xs, ys), (r0, r1) ->
        nk.softmaxRows(r1 - r0, length, xs.asSlice(4 * r0 * length),
            ys.asSlice(4 * r0 * length), log));
  }

  @Override
  protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, int outer, int length,
      int inner, boolean log) {
    Tensor yv = y.reshape(outer, length, inner);
    Tensor dyv = dy.reshape(outer, length, inner);
    Tensor dxv = dx.reshape(outer, length, inner);
    if (log) {
      java.softmax().logSoftmaxBackward(yv, dyv, 1, dxv);
    } else {
      java.softmax().softmaxBackward(yv, dyv, 1, dxv);
    }
  }
}
