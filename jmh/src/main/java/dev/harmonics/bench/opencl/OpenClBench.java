package dev.harmonics.bench.opencl;

import dev.harmonics.backend.opencl.OpenClProvider;
import dev.harmonics.kernel.TransferStats;
import dev.harmonics.tensor.Tensor;

/**
 * The OpenCL provider the benchmarks share, on the device {@code -Dharmonics.opencl.device} names
 * (here the default is {@code cpu:0}, PoCL's CPU device), and the bookkeeping of one measured
 * call.
 */
final class OpenClBench {

  private static OpenClProvider provider;

  private OpenClBench() {}

  static synchronized OpenClProvider provider() {
    if (provider == null) {
      provider = OpenClProvider.open(System.getProperty("harmonics.opencl.device", "cpu:0"))
          .loadPrograms();
    }
    return provider;
  }

  /** Pins {@code tensors} when {@code residency} is {@code pinned}; {@code unpinned} leaves them. */
  static void place(String residency, Tensor... tensors) {
    switch (residency) {
      case "pinned" -> {
        for (Tensor t : tensors) {
          provider().residency().pin(t);
        }
      }
      case "unpinned" -> { }
      default -> throw new IllegalArgumentException("residency: " + residency
          + " (expected: pinned or unpinned)");
    }
  }

  static void release(Tensor... tensors) {
    for (Tensor t : tensors) {
      provider().residency().release(t);
      t.close();
    }
  }

  /** Adds the device time and traffic of the call that just ran (after {@code before}). */
  static void record(DeviceTime time, TransferStats before) {
    TransferStats moved = provider().residency().transfers().minus(before);
    time.kernelNanos += provider().deviceTimes().lastCallNanos();
    time.transferBytes += moved.hostToDeviceBytes() + moved.deviceToHostBytes();
    time.calls++;
  }
}
