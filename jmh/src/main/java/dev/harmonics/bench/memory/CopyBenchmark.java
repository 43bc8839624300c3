package dev.harmonics.bench.memory;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The machine's copy bandwidth: {@code MemorySegment.copy} between two native buffers, bytes read
 * plus bytes written counted (as STREAM's copy does). Reports use it as the roofline of
 * memory-bound kernels. {@code threads=all} splits the copy over the {@link KernelPool}, which is
 * how the multithreaded kernels touch memory; raise {@code megabytes} (for example
 * {@code -p megabytes=1024}) where the last-level cache holds 2 x 64 MB.
 */
@State(Scope.Benchmark)
public class CopyBenchmark extends KernelBenchmark {

  /** Splitting unit for the pooled copy: big enough that a task's overhead does not show. */
  private static final long BLOCK = 1L << 20;

  @Param({"64"})
  public int megabytes;

  /** {@code 1}: the calling thread alone; {@code all}: every thread of the KernelPool. */
  @Param({"1", "all"})
  public String threads;

  private Arena arena;
  private MemorySegment src;
  private MemorySegment dst;
  private long bytes;

  @Setup(Level.Trial)
  public void setUp() {
    if (!threads.equals("1") && !threads.equals("all")) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: 1 or all)");
    }
    bytes = megabytes * (1L << 20);
    arena = Arena.ofShared();
    src = arena.allocate(bytes, 64);
    dst = arena.allocate(bytes, 64);
    src.fill((byte) 1);
    dst.fill((byte) 2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public MemorySegment copy(Work work) {
    if (threads.equals("1")) {
      MemorySegment.copy(src, 0, dst, 0, bytes);
    } else {
      int blocks = Math.toIntExact((bytes + BLOCK - 1) / BLOCK);
      KernelPool.shared().parallelFor(blocks, 1, (from, to) -> {
        long start = from * BLOCK;
        long end = Math.min(bytes, to * BLOCK);
        MemorySegment.copy(src, start, dst, start, end - start);
      });
    }
    work.bytes += 2 * bytes;
    return dst;
  }
}
