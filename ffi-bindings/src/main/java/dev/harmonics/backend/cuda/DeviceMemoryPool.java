package dev.harmonics.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Caches device allocations by {@link SizeClasses size class}: {@code cudaMalloc}/{@code cuMemFree}
 * synchronise the device and cost far more than a kernel launch, and every unpinned tensor needs a
 * buffer per call. A released buffer goes on its class's free list; an acquire takes from the list
 * or allocates. When the device is out of memory the cached buffers are freed and the allocation
 * tried once more. Not thread-safe: the device serialises its calls.
 */
final class DeviceMemoryPool {

  private final DeviceAllocator allocator;
  private final Map<Long, ArrayDeque<DeviceBuffer>> free = new HashMap<>();
  private long inUseBytes;
  private long cachedBytes;

  DeviceMemoryPool(DeviceAllocator allocator) {
    this.allocator = allocator;
  }

  /** A buffer of at least {@code bytes} (at least one size class, even for 0 bytes). */
  DeviceBuffer acquire(long bytes) {
    long capacity = SizeClasses.classOf(bytes);
    ArrayDeque<DeviceBuffer> list = free.get(capacity);
    DeviceBuffer buffer = list == null ? null : list.pollLast();
    if (buffer != null) {
      cachedBytes -= capacity;
    } else {
      buffer = new DeviceBuffer(allocateOrTrim(capacity), capacity);
    }
    inUseBytes += capacity;
    return buffer;
  }

  private long allocateOrTrim(long capacity) {
    try {
      return allocator.allocate(capacity);
    } catch (RuntimeException e) {
      if (!allocator.isOutOfMemory(e) || cachedBytes == 0) {
        throw e;
      }
      trim();
      return allocator.allocate(capacity);
    }
  }

  /** Puts {@code buffer} back on its free list for a later {@link #acquire}. */
  void release(DeviceBuffer buffer) {
    free.computeIfAbsent(buffer.capacity(), c -> new ArrayDeque<>()).addLast(buffer);
    inUseBytes -= buffer.capacity();
    cachedBytes += buffer.capacity();
  }

  /** Frees every cached buffer. */
  void trim() {
    for (ArrayDeque<DeviceBuffer> list : free.values()) {
      for (DeviceBuffer buffer : list) {
        allocator.free(buffer.pointer());
      }
    }
    free.clear();
    cachedBytes = 0;
  }

  /** Bytes held by acquired buffers. */
  long inUseBytes() {
    return inUseBytes;
  }

  /** Bytes held on the free lists. */
  long cachedBytes() {
    return cachedBytes;
  }
}
