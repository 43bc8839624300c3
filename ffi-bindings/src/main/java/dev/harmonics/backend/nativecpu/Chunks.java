package dev.harmonics.backend.nativecpu;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;

/**
 * Splits native work across {@link KernelPool}: the C kernels are single-threaded, so the Java side
 * owns the threads and each task makes one downcall on its own slice.
 */
final class Chunks {

  /** Below this many element operations a kernel runs as one call on the calling thread. */
  static final long INLINE_WORK = 1L << 16;

  /** Never started; stands for "a pool thread" when asking whether memory may be shared. */
  private static final Thread OTHER = Thread.ofPlatform().unstarted(() -> { });

  private Chunks() {}

  /**
   * Whether pool threads may touch all of {@code segments}: memory of a confined arena belongs to
   * its owner thread, so work over it stays on the caller instead of failing.
   */
  static boolean shareable(MemorySegment... segments) {
    for (MemorySegment segment : segments) {
      if (!segment.isAccessibleBy(OTHER)) {
        return false;
      }
    }
    return true;
  }

  /** A task over blocks {@code [from, to)} of a split dimension. */
  @FunctionalInterface
  interface Body {
    void run(long from, long to);
  }

  /**
   * Runs {@code body} over {@code [0, count)} in blocks of {@code block} elements (the last may be
   * shorter), spread over the pool when {@code work} is large enough to pay for it and the memory
   * is {@code shareable}.
   */
  static void split(long count, long block, long work, boolean shareable, Body body) {
    if (count <= 0) {
      return;
    }
    long blocks = (count + block - 1) / block;
    KernelPool pool = KernelPool.shared();
    if (!shareable || work < INLINE_WORK || blocks == 1 || pool.parallelism() == 1) {
      body.run(0, count);
      return;
    }
    pool.parallelFor((int) Math.min(blocks, Integer.MAX_VALUE), 1,
        (from, to) -> body.run(from * block, Math.min(count, to * block)));
  }
}
