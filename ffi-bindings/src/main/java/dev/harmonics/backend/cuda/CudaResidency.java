package dev.harmonics.backend.cuda;

import dev.harmonics.kernel.Residency;
import dev.harmonics.kernel.TransferStats;
import dev.harmonics.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Pinned tensors of one CUDA device: each has a pooled device buffer that kernels read and write
 * in place. Tensors are matched by the host bytes they cover ({@link MemoryKey}), so a reshape of
 * a pinned tensor is pinned too; a view over part of a pinned tensor is not, and is moved from
 * host memory like any unpinned tensor.
 */
final class CudaResidency implements Residency {

  private final Device device;
  private final Map<MemoryKey, DeviceBuffer> pinned = new HashMap<>();

  CudaResidency(Device device) {
    this.device = device;
  }

  @Override
  public void pin(Tensor tensor) {
    MemoryKey key = keyOf(tensor, "pin");
    device.enter();
    try {
      if (!pinned.containsKey(key)) {
        DeviceBuffer buffer = device.pool().acquire(key.bytes());
        try {
          device.upload(buffer.pointer(), tensor.data());
        } catch (RuntimeException e) {
          device.pool().release(buffer);
          throw e;
        }
        pinned.put(key, buffer);
      }
    } finally {
      device.exit();
    }
  }

  @Override
  public void upload(Tensor tensor) {
    MemoryKey key = keyOf(tensor, "upload");
    device.enter();
    try {
      device.upload(requirePinned(key, tensor).pointer(), tensor.data());
    } finally {
      device.exit();
    }
  }

  @Override
  public void download(Tensor tensor) {
    MemoryKey key = keyOf(tensor, "download");
    device.enter();
    try {
      device.download(tensor.data(), requirePinned(key, tensor).pointer());
    } finally {
      device.exit();
    }
  }

  @Override
  public void release(Tensor tensor) {
    MemoryKey key = keyOf(tensor, "release");
    device.enter();
    try {
      DeviceBuffer buffer = pinned.remove(key);
      if (buffer != null) {
        // Kernels still queued may use the buffer; the pool hands it out only for later work on
        // the same stream, which runs after them.
        device.pool().release(buffer);
      }
    } finally {
      device.exit();
    }
  }

  @Override
  public boolean isPinned(Tensor tensor) {
    Objects.requireNonNull(tensor, "tensor");
    if (!tensor.isContiguous()) {
      return false;
    }
    MemoryKey key = MemoryKey.of(tensor);
    device.enter();
    try {
      return pinned.containsKey(key);
    } finally {
      device.exit();
    }
  }

  @Override
  public TransferStats transfers() {
    return device.transfers();
  }

  /** The device buffer of pinned memory {@code key}, or null; call with the device entered. */
  DeviceBuffer bufferOf(MemoryKey key) {
    return pinned.get(key);
  }

  private DeviceBuffer requirePinned(MemoryKey key, Tensor tensor) {
    DeviceBuffer buffer = pinned.get(key);
    if (buffer == null) {
      throw new IllegalStateException("tensor: " + tensor.describe()
          + " is not pinned on CUDA device " + device.ordinal() + " (call pin(tensor) first)");
    }
    return buffer;
  }

  private static MemoryKey keyOf(Tensor tensor, String operation) {
    Objects.requireNonNull(tensor, "tensor");
    if (!tensor.isContiguous()) {
      throw new IllegalArgumentException("tensor: " + tensor.describe() + " is not contiguous ("
          + operation + " needs a contiguous tensor; call contiguous() first)");
    }
    return MemoryKey.of(tensor);
  }
}
