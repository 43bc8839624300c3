package dev.harmonics.backend.cuda;

/** Where the pool gets device memory from: {@code cuMemAlloc} and {@code cuMemFree} on a device. */
interface DeviceAllocator {

  /** A new device allocation of exactly {@code bytes}; throws when the device has no room. */
  long allocate(long bytes);

  /** Returns an allocation from {@link #allocate}. */
  void free(long pointer);

  /** Whether {@code failure} from {@link #allocate} means the device ran out of memory. */
  boolean isOutOfMemory(RuntimeException failure);
}
