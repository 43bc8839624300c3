package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.ffi.opencl.ClContext;
import dev.harmonics.kernel.Residency;
import dev.harmonics.kernel.TransferStats;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Device copies of pinned tensors, and the count of every host-device transfer the backend makes
 * (explicit ones here and the per-call ones of unpinned tensors).
 *
 * <p>A device copy belongs to a tensor's bytes, not to the {@link Tensor} object: any contiguous
 * view of the same bytes (a reshape, the tensor itself) finds it. Only off-heap tensors can be
 * pinned, since a heap array has no stable address to identify it by.
 */
final class OpenClResidency implements Residency {

  /** The bytes a tensor's data covers. */
  private record Span(long address, long bytes) {
    static Span of(Tensor tensor) {
      MemorySegment data = tensor.data();
      return new Span(data.address(), data.byteSize());
    }
  }

  private final ClContext context;
  private final ReentrantLock lock;
  private final Map<Span, ClBuffer> pinned = new HashMap<>();
  private final AtomicLong uploadBytes = new AtomicLong();
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong downloadBytes = new AtomicLong();
  private final AtomicLong downloads = new AtomicLong();

  OpenClResidency(ClContext context, ReentrantLock lock) {
    this.context = context;
    this.lock = lock;
  }

  @Override
  public void pin(Tensor tensor) {
    requirePinnable(tensor);
    lock.lock();
    try {
      Span span = Span.of(tensor);
      if (!pinned.containsKey(span)) {
        ClBuffer buffer = context.allocate(Math.max(span.bytes(), 4));
        pinned.put(span, buffer);
        write(tensor.data(), buffer);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void upload(Tensor tensor) {
    lock.lock();
    try {
      write(tensor.data(), requirePinned(tensor, "upload"));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void download(Tensor tensor) {
    lock.lock();
    try {
      read(requirePinned(tensor, "download"), tensor.data());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void release(Tensor tensor) {
    if (!tensor.isNative() || !tensor.isContiguous()) {
      return;
    }
    lock.lock();
    try {
      ClBuffer buffer = pinned.remove(Span.of(tensor));
      if (buffer != null) {
        buffer.close();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isPinned(Tensor tensor) {
    return find(tensor) != null;
  }

  @Override
  public TransferStats transfers() {
    return new TransferStats(uploadBytes.get(), uploads.get(), downloadBytes.get(),
        downloads.get());
  }

  /** The device copy of {@code tensor}, or null when it is not pinned. */
  ClBuffer find(Tensor tensor) {
    if (!tensor.isNative() || !tensor.isContiguous()) {
      return null;
    }
    lock.lock();
    try {
      return pinned.get(Span.of(tensor));
    } finally {
      lock.unlock();
    }
  }

  /** A pinned buffer and the byte offset in it where some host bytes live. */
  record Located(ClBuffer buffer, long byteOffset) {}

  /**
   * The pinned buffer whose host span contains all of {@code bytes} (a view's storage range), or
   * null when none does.
   */
  Located locate(MemorySegment bytes) {
    if (!bytes.isNative()) {
      return null;
    }
    lock.lock();
    try {
      for (Map.Entry<Span, ClBuffer> e : pinned.entrySet()) {
        Span s = e.getKey();
        if (bytes.address() >= s.address()
            && bytes.address() + bytes.byteSize() <= s.address() + s.bytes()) {
          return new Located(e.getValue(), bytes.address() - s.address());
        }
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fails when {@code tensor}'s bytes overlap a pinned tensor without being exactly it: a view
   * into a device copy would otherwise compute on stale host data.
   */
  void requireNotPartlyPinned(String what, Tensor tensor) {
    if (!tensor.isNative() || pinned.isEmpty()) {
      return;
    }
    MemorySegment data = tensor.data();
    lock.lock();
    try {
      for (Span s : pinned.keySet()) {
        boolean overlaps = data.address() < s.address() + s.bytes()
            && s.address() < data.address() + data.byteSize();
        if (overlaps) {
          throw new IllegalArgumentException(what + ": " + tensor.describe() + " is a view of"
              + " part of a pinned tensor (expected: the pinned tensor itself or a reshape of it;"
              + " pin the view instead, or download the tensor first)");
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Host to device, counted. */
  void write(MemorySegment host, ClBuffer buffer) {
    context.write(host, buffer, 0);
    uploadBytes.addAndGet(host.byteSize());
    uploads.incrementAndGet();
  }

  /** Device to host, counted. */
  void read(ClBuffer buffer, MemorySegment host) {
    context.read(buffer, 0, host);
    downloadBytes.addAndGet(host.byteSize());
    downloads.incrementAndGet();
  }

  /** Frees every device copy (the provider is closing). */
  void releaseAll() {
    lock.lock();
    try {
      pinned.values().forEach(ClBuffer::close);
      pinned.clear();
    } finally {
      lock.unlock();
    }
  }

  private ClBuffer requirePinned(Tensor tensor, String what) {
    ClBuffer buffer = find(tensor);
    if (buffer == null) {
      throw new IllegalArgumentException("tensor: " + tensor.describe() + " is not pinned (expected:"
          + " pin(tensor) before " + what + ")");
    }
    return buffer;
  }

  private static void requirePinnable(Tensor tensor) {
    if (!tensor.isNative()) {
      throw new IllegalArgumentException("tensor: " + tensor.describe() + " is on the Java heap"
          + " (expected: an off-heap tensor such as Tensor.zeros or Tensor.of to pin)");
    }
    if (!tensor.isContiguous()) {
      throw new IllegalArgumentException("tensor: " + tensor.describe() + " is not contiguous"
          + " (expected: call contiguous() before pinning)");
    }
  }
}
