package dev.harmonics.bench.opencl;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the device itself did in an iteration, from OpenCL profiling events and the transfer
 * counters, reported as totals beside the wall-clock score: {@code kernelNanos / calls} is the
 * kernel time of one call without transfers or enqueue overhead, and {@code transferBytes} is the
 * host-device traffic those calls caused (0 when the tensors are pinned).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class DeviceTime {
  public long kernelNanos;
  public long transferBytes;
  public long calls;

  @Setup(Level.Iteration)
  public void reset() {
    kernelNanos = 0;
    transferBytes = 0;
    calls = 0;
  }
}
