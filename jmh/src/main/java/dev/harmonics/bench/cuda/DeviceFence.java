package dev.harmonics.bench.cuda;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/**
 * Waits until a device backend has finished the work queued so far, without moving a big tensor:
 * a one-element copy between two pinned tensors queues behind that work (the CUDA backend runs
 * everything on one stream), and downloading its four bytes waits for it. On a CPU backend it
 * costs a one-element copy.
 */
final class DeviceFence implements AutoCloseable {

  private final KernelProvider kernels;
  private final Tensor from = Tensor.zeros(1);
  private final Tensor to = Tensor.zeros(1);

  DeviceFence(KernelProvider kernels) {
    this.kernels = kernels;
    kernels.residency().pin(from);
    kernels.residency().pin(to);
  }

  void await() {
    kernels.layout().copy(from, to);
    kernels.residency().download(to);
  }

  @Override
  public void close() {
    kernels.residency().release(from);
    kernels.residency().release(to);
    from.close();
    to.close();
  }
}
