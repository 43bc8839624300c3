package dev.harmonics.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The work a benchmark invocation does, counted so JMH reports it as a rate beside the time:
 * {@code flops} becomes FLOP/s and {@code bytes} becomes bytes/s in the results. A benchmark adds
 * the flops of compute-bound kernels or the bytes moved by memory-bound ones (reads plus writes).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Work {
  public long flops;
  public long bytes;

  @Setup(Level.Iteration)
  public void reset() {
    flops = 0;
    bytes = 0;
  }
}
