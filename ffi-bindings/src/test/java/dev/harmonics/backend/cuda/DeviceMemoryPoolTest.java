package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The size classes and the pool's reuse, trimming and out-of-memory retry, over an allocator that
 * hands out numbers and records calls (no device memory is involved in this logic).
 */
class DeviceMemoryPoolTest {

  /** Records allocations; fails with "out of memory" while more than {@code limit} bytes live. */
  private static class CountingAllocator implements DeviceAllocator {
    final Map<Long, Long> live = new HashMap<>();
    final List<Long> sizes = new ArrayList<>();
    long liveBytes;
    long limit = Long.MAX_VALUE;
    long next = 4096;
    int frees;

    @Override
    public long allocate(long bytes) {
      if (liveBytes + bytes > limit) {
        throw new IllegalStateException("out of memory");
      }
      long pointer = next;
      next += bytes;
      live.put(pointer, bytes);
      sizes.add(bytes);
      liveBytes += bytes;
      return pointer;
    }

    @Override
    public void free(long pointer) {
      liveBytes -= live.remove(pointer);
      frees++;
    }

    @Override
    public boolean isOutOfMemory(RuntimeException failure) {
      return "out of memory".equals(failure.getMessage());
    }
  }

  @Test
  void smallRequestsRoundUpToPowersOfTwoFrom256Bytes() {
    assertEquals(256, SizeClasses.classOf(0));
    assertEquals(256, SizeClasses.classOf(1));
    assertEquals(256, SizeClasses.classOf(256));
    assertEquals(512, SizeClasses.classOf(257));
    assertEquals(4096, SizeClasses.classOf(4000));
    assertEquals(1 << 20, SizeClasses.classOf((1 << 19) + 1));
    assertEquals(1 << 20, SizeClasses.classOf(1 << 20));
  }

  @Test
  void largeRequestsRoundUpToEighthsOfTheirPowerOfTwo() {
    long mib = 1 << 20;
    assertEquals(mib + mib / 8, SizeClasses.classOf(mib + 1));
    assertEquals(5 * mib / 4 * 4, SizeClasses.classOf(5 * mib - 1));
    assertEquals(104 * mib, SizeClasses.classOf(100 * mib));
    for (long bytes = mib + 1; bytes < 64 * mib; bytes = bytes * 3 / 2 + 7) {
      long size = SizeClasses.classOf(bytes);
      assertTrue(size >= bytes && size - bytes <= bytes / 8, bytes + " -> " + size);
    }
  }

  @Test
  void negativeSizesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SizeClasses.classOf(-1));
    assertEquals("bytes: -1 (expected: >= 0)", e.getMessage());
  }

  @Test
  void aReleasedBufferServesTheNextRequestOfItsClass() {
    CountingAllocator allocator = new CountingAllocator();
    DeviceMemoryPool pool = new DeviceMemoryPool(allocator);
    DeviceBuffer first = pool.acquire(1000);
    assertEquals(1024, first.capacity());
    pool.release(first);
    assertEquals(1024, pool.cachedBytes());
    DeviceBuffer second = pool.acquire(900);
    assertSame(first, second);
    assertEquals(List.of(1024L), allocator.sizes);
    assertEquals(1024, pool.inUseBytes());
    assertEquals(0, pool.cachedBytes());
    DeviceBuffer other = pool.acquire(2000);
    assertEquals(2048, other.capacity());
    assertEquals(2, allocator.sizes.size());
  }

  @Test
  void trimFreesEveryCachedBuffer() {
    CountingAllocator allocator = new CountingAllocator();
    DeviceMemoryPool pool = new DeviceMemoryPool(allocator);
    DeviceBuffer a = pool.acquire(100);
    DeviceBuffer b = pool.acquire(5000);
    DeviceBuffer kept = pool.acquire(100);
    pool.release(a);
    pool.release(b);
    pool.trim();
    assertEquals(2, allocator.frees);
    assertEquals(Set.of(kept.pointer()), allocator.live.keySet());
    assertEquals(0, pool.cachedBytes());
    assertEquals(256, pool.inUseBytes());
  }

  @Test
  void outOfMemoryFreesTheCacheAndTriesOnce() {
    CountingAllocator allocator = new CountingAllocator();
    DeviceMemoryPool pool = new DeviceMemoryPool(allocator);
    pool.release(pool.acquire(4096));
    pool.release(pool.acquire(8192));
    allocator.limit = 16384;
    DeviceBuffer big = pool.acquire(16384);
    assertEquals(16384, big.capacity());
    assertEquals(2, allocator.frees);
    allocator.limit = 0;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.acquire(1));
    assertEquals("out of memory", e.getMessage());
  }

  @Test
  void aFailureThatIsNotOutOfMemoryKeepsTheCache() {
    DeviceAllocator broken = new CountingAllocator() {
      @Override
      public long allocate(long bytes) {
        if (bytes > 256) {
          throw new IllegalStateException("device lost");
        }
        return super.allocate(bytes);
      }
    };
    DeviceMemoryPool pool = new DeviceMemoryPool(broken);
    pool.release(pool.acquire(10));
    assertThrows(IllegalStateException.class, () -> pool.acquire(1000));
    assertEquals(256, pool.cachedBytes());
  }
}
