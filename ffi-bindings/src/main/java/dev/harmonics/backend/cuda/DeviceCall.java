package dev.harmonics.backend.cuda;

import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device side of one kernel call: device pointers for its tensors, launches, and on {@link
 * #close()} the downloads of unpinned outputs and the return of temporary buffers to the pool.
 *
 * <p>A pinned tensor maps to its resident buffer, with no transfer. An unpinned input is uploaded
 * into a pooled buffer; an unpinned output gets a pooled buffer that is downloaded into the host
 * tensor at the end. The same memory asked for twice (an in-place call) maps to one buffer. If a
 * launch fails, nothing is downloaded: the host outputs keep their old contents.
 */
final class DeviceCall implements AutoCloseable {

  private final Device device;
  private final CudaResidency residency;
  private final Map<MemoryKey, Binding> bindings = new LinkedHashMap<>();
  private final List<DeviceBuffer> temporaries = new ArrayList<>();
  private boolean failed;

  DeviceCall(Device device, CudaResidency residency) {
    this.device = device;
    this.residency = residency;
    device.enter();
  }

  /** A tensor the kernels read. */
  long in(Tensor tensor) {
    return bind(tensor, true, false);
  }

  /** A tensor the kernels overwrite entirely without reading. */
  long out(Tensor tensor) {
    return bind(tensor, false, true);
  }

  /** A tensor the kernels read and write. */
  long inOut(Tensor tensor) {
    return bind(tensor, true, true);
  }

  /** {@link #in}, or 0 (a null pointer) for a null tensor. */
  long inOrNull(Tensor tensor) {
    return tensor == null ? 0 : in(tensor);
  }

  /** {@link #out}, or 0 for a null tensor. */
  long outOrNull(Tensor tensor) {
    return tensor == null ? 0 : out(tensor);
  }

  /** {@link #inOut}, or 0 for a null tensor. */
  long inOutOrNull(Tensor tensor) {
    return tensor == null ? 0 : inOut(tensor);
  }

  private long bind(Tensor tensor, boolean read, boolean write) {
    MemoryKey key = MemoryKey.of(tensor);
    Binding binding = bindings.get(key);
    if (binding == null) {
      DeviceBuffer resident = residency.bufferOf(key);
      if (resident != null) {
        binding = new Binding(tensor, resident.pointer(), false);
      } else {
        DeviceBuffer buffer = temporary(key.bytes());
        binding = new Binding(tensor, buffer.pointer(), true);
      }
      bindings.put(key, binding);
    }
    if (read && binding.temporary && !binding.uploaded) {
      device.upload(binding.pointer, tensor.data());
      binding.uploaded = true;
    }
    binding.written |= write;
    return binding.pointer;
  }

  /** Whether {@code tensor} has a resident device copy (its host data may then be stale). */
  boolean isPinned(Tensor tensor) {
    return residency.bufferOf(MemoryKey.of(tensor)) != null;
  }

  /**
   * A strided view's elements: uploads the span of storage its elements cover and returns the
   * device address of its first element (strides stay as they are). Pinned views are not looked
   * up: a strided view is never pinned.
   */
  long strided(Tensor view) {
    long elementBytes = view.dtype().byteSize();
    long last = 0;
    for (int d = 0; d < view.rank(); d++) {
      last += (long) (view.dim(d) - 1) * view.strides()[d];
    }
    MemorySegment span = view.storage().asSlice(view.byteOffset(), (last + 1) * elementBytes);
    DeviceBuffer buffer = temporary(span.byteSize());
    device.upload(buffer.pointer(), span);
    return buffer.pointer();
  }

  /** A device buffer of {@code bytes} for intermediate results, returned to the pool at close. */
  long scratch(long bytes) {
    return temporary(bytes).pointer();
  }

  /** Uploads {@code values} into a scratch buffer. */
  long upload(int[] values) {
    long pointer = scratch((long) values.length * Integer.BYTES);
    device.upload(pointer, MemorySegment.ofArray(values));
    return pointer;
  }

  /** Downloads {@code count} doubles from the device (waits for the stream). */
  double[] readDoubles(long pointer, int count) {
    double[] out = new double[count];
    device.download(MemorySegment.ofArray(out), pointer);
    return out;
  }

  /** Downloads {@code count} ints from the device (waits for the stream). */
  int[] readInts(long pointer, int count) {
    int[] out = new int[count];
    device.download(MemorySegment.ofArray(out), pointer);
    return out;
  }

  /**
   * Launches {@code entry} with enough {@link CudaDevice#THREADS_PER_BLOCK}-thread blocks to give
   * each of {@code work} items a thread (capped; the kernels loop over the rest).
   */
  void launch(KernelModule module, String entry, long work, Object... arguments) {
    long blocks = (work + CudaDevice.THREADS_PER_BLOCK - 1) / CudaDevice.THREADS_PER_BLOCK;
    launchBlocks(module, entry, (int) Math.clamp(blocks, 1, CudaDevice.MAX_BLOCKS), arguments);
  }

  /** Launches {@code entry} on exactly {@code blocks} blocks (one per row, channel, ...). */
  void launchBlocks(KernelModule module, String entry, int blocks, Object... arguments) {
    try {
      device.launch(module, entry, blocks, arguments);
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      if (!failed) {
        for (Binding binding : bindings.values()) {
          if (binding.temporary && binding.written) {
            device.download(binding.tensor.data(), binding.pointer);
          }
        }
      }
    } finally {
      for (DeviceBuffer buffer : temporaries) {
        device.pool().release(buffer);
      }
      device.exit();
    }
  }

  private DeviceBuffer temporary(long bytes) {
    DeviceBuffer buffer = device.pool().acquire(bytes);
    temporaries.add(buffer);
    return buffer;
  }

  private static final class Binding {
    final Tensor tensor;
    final long pointer;
    final boolean temporary;
    boolean uploaded;
    boolean written;

    Binding(Tensor tensor, long pointer, boolean temporary) {
      this.tensor = tensor;
      this.pointer = pointer;
      this.temporary = temporary;
    }
  }
}
