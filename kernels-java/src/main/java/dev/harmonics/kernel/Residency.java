package dev.harmonics.kernel;

import dev.harmonics.tensor.Tensor;

/**
 * Where a backend keeps tensors between kernel calls.
 *
 * <p>Kernels take host {@link Tensor}s everywhere. A device backend uploads an unpinned input and
 * downloads an unpinned output on every call, which is correct but pays a transfer per call. A
 * pinned tensor instead has a device copy that kernels read and write in place; its host memory is
 * then only brought up to date by {@link #download(Tensor)}, and host writes reach the device only
 * through {@link #upload(Tensor)}. Training loops pin weights, activations and gradients and
 * download only what they read on the host, such as the loss.
 *
 * <p>CPU backends compute on host memory, so for them every method is a no-op: {@link #HOST}.
 */
public interface Residency {

  /** The residency of backends that compute on host memory: nothing to move, nothing counted. */
  Residency HOST = new Residency() {
    @Override
    public void pin(Tensor tensor) {}

    @Override
    public void upload(Tensor tensor) {}

    @Override
    public void download(Tensor tensor) {}

    @Override
    public void release(Tensor tensor) {}

    @Override
    public boolean isPinned(Tensor tensor) {
      return false;
    }

    @Override
    public TransferStats transfers() {
      return TransferStats.NONE;
    }
  };

  /** Gives {@code tensor} a device copy, initialised from its host data; a no-op if pinned. */
  void pin(Tensor tensor);

  /** Copies a pinned tensor's host data to its device copy. */
  void upload(Tensor tensor);

  /** Copies a pinned tensor's device copy to its host memory. */
  void download(Tensor tensor);

  /** Frees a pinned tensor's device copy without copying it back; a no-op if not pinned. */
  void release(Tensor tensor);

  /** Whether {@code tensor} has a device copy on this backend. */
  boolean isPinned(Tensor tensor);

  /** Host-device traffic so far. */
  TransferStats transfers();
}
