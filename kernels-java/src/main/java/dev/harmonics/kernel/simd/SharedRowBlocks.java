package dev.harmonics.kernel.simd;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The row blocks of op(A) packed once per product and read by every thread that multiplies them,
 * so a product split by columns packs A once instead of once per column block.
 *
 * <p>The first thread to need a block claims and packs it. A thread that finds a block still being
 * packed packs its own private copy instead of waiting: on a machine shared with other work the
 * packer may be descheduled, and a spinning thread would then burn its core for nothing. The
 * packed array is recycled between products through one spare slot rather than kept per thread.
 */
final class SharedRowBlocks {

  private static final int EMPTY = 0;
  private static final int PACKING = 1;
  private static final int READY = 2;

  private static final AtomicReference<float[]> SPARE = new AtomicReference<>();

  private final float[] panels;
  private final long blockFloats;
  private final AtomicIntegerArray state;

  private SharedRowBlocks(float[] panels, long blockFloats, int blocks) {
    this.panels = panels;
    this.blockFloats = blockFloats;
    this.state = new AtomicIntegerArray(blocks);
  }

  /** Room for {@code blocks} blocks of {@code blockFloats} floats each. */
  static SharedRowBlocks allocate(int blocks, long blockFloats) {
    int size = Math.toIntExact(blocks * blockFloats);
    float[] spare = SPARE.getAndSet(null);
    float[] panels = spare != null && spare.length >= size ? spare : new float[size];
    return new SharedRowBlocks(panels, blockFloats, blocks);
  }

  float[] panels() {
    return panels;
  }

  /** Where block {@code block} starts in {@link #panels()}. */
  int offset(int block) {
    return Math.toIntExact(block * blockFloats);
  }

  /**
   * Whether block {@code block} is packed in {@link #panels()} for the caller to read: it was
   * already, or the caller claimed it and ran {@code pack}. False when another thread is packing
   * it right now.
   */
  boolean acquire(int block, Runnable pack) {
    int now = state.get(block);
    if (now == READY) {
      return true;
    }
    if (now == EMPTY && state.compareAndSet(block, EMPTY, PACKING)) {
      pack.run();
      state.set(block, READY);
      return true;
    }
    return false;
  }

  /** Hands the array back for the next product; call once no thread reads it any more. */
  void release() {
    SPARE.set(panels);
  }
}
