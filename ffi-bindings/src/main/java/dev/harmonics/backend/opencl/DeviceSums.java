package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;

/**
 * Whole-tensor sums of squares on the device, in two deterministic steps: fixed chunks summed in
 * parallel, then the chunk sums added in order by one work-item. Only the final {@code acc_t}
 * crosses to the host.
 */
final class DeviceSums {

  /** Elements per work-item in the first step. */
  static final int CHUNK = 4096;

  private DeviceSums() {}

  static long chunks(long n) {
    return Math.max(1, (n + CHUNK - 1) / CHUNK);
  }

  /** The sum of {@code x[i]^2}, or of {@code (x[i] - y[i])^2} when {@code y} is not null. */
  static double squares(DeviceCall call, ClBuffer x, ClBuffer y, long n) {
    long chunks = chunks(n);
    ClBuffer partials = call.scratch(chunks * call.realBytes());
    ClBuffer total = call.scratch(call.realBytes());
    call.run(call.kernel(Program.REDUCE, "partial_sum_squares"), new long[] {chunks}, null, x,
        y != null ? y : x, y != null ? 1 : 0, n, CHUNK, partials, chunks);
    call.run(call.kernel(Program.REDUCE, "sum_partials"), new long[] {1}, null, partials, chunks,
        total);
    return call.readReal(total);
  }

  /** The sum of the first {@code count} {@code acc_t} values of {@code values}. */
  static double sum(DeviceCall call, ClBuffer values, long count) {
    ClBuffer total = call.scratch(call.realBytes());
    call.run(call.kernel(Program.REDUCE, "sum_partials"), new long[] {1}, null, values, count,
        total);
    return call.readReal(total);
  }
}
