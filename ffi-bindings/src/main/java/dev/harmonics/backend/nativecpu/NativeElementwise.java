package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Same-shape, contiguous addition in C, whose streaming stores write large outputs without first
 * reading them (64 MB tensors at the copy bandwidth; the Vector API has no such store). Every
 * other element-wise kernel, broadcasting included, runs on the Java backend.
 */
final class NativeElementwise extends ElementwiseKernels {

  private static final long BLOCK = 1 << 16;

  private final NativeKernels nk;
  private final KernelProvider java;
  private final SmallCalls small;

  NativeElementwise(NativeKernels nk, KernelProvider java, SmallCalls small) {
    this.nk = nk;
    this.java = java;
    this.small = small;
  }

  @Override
  protected void forwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    if (op != BinaryOp.ADD || small.inJava(SmallCalls.Kernel.ADD, out.size())
        || !Arrays.equals(a.shape(), b.shape()) || !a.isContiguous() || !b.isContiguous()
        || !out.isContiguous()) {
      forwardUnchecked(java.elementwise(), op, a, b, out);
      return;
    }
    MemorySegment as = a.data();
    MemorySegment bs = b.data();
    MemorySegment ys = out.data();
    Chunks.split(a.size(), BLOCK, a.size(), Chunks.shareable(as, bs, ys), (from, to) ->
        nk.add(to - from, as.asSlice(4 * from), bs.asSlice(4 * from), ys.asSlice(4 * from)));
  }

  @Override
  protected void backwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da,
      Tensor db) {
    java.elementwise().backward(op, a, b, dy, da, db);
  }

  @Override
  protected void scalarKernel(BinaryOp op, Tensor x, float s, Tensor out) {
    java.elementwise().scalar(op, x, s, out);
  }

  @Override
  protected void axpyKernel(float alpha, Tensor x, Tensor y) {
    java.elementwise().axpy(alpha, x, y);
  }
}
