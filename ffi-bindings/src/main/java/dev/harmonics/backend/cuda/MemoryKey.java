package dev.harmonics.backend.cuda;

import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Identifies the host memory a contiguous tensor occupies: the heap array (null off-heap), the
 * address and the length. Two tensor objects over the same bytes, such as a tensor and its
 * reshape, have the same key, so they share one pinned device copy and one upload per call.
 */
record MemoryKey(Object heapBase, long address, long bytes) {

  static MemoryKey of(Tensor tensor) {
    MemorySegment data = tensor.data();
    return new MemoryKey(data.heapBase().orElse(null), data.address(), data.byteSize());
  }
}
