package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.ffi.opencl.ClEvent;
import dev.harmonics.ffi.opencl.ClKernel;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device side of one kernel call. Each tensor argument becomes a buffer: a pinned tensor's
 * device copy as is; an unpinned input is uploaded into a temporary buffer, and an unpinned output
 * gets one that is downloaded into the tensor when the call closes. The same bytes named twice (an
 * in-place call) share one buffer. Closing waits for the kernels, records their device time from
 * the profiling events, downloads, frees the temporaries and releases the device lock.
 */
final class DeviceCall implements AutoCloseable {

  /** A one-byte kernel argument ({@code char} or {@code uchar}). */
  record Byte(byte value) {}

  /** A tensor's buffer in this call; {@code uploaded} once the host values were copied in. */
  private static final class Staged {
    final ClBuffer buffer;
    final Tensor tensor;
    final boolean temporary;
    boolean uploaded;
    boolean download;

    Staged(ClBuffer buffer, Tensor tensor, boolean temporary) {
      this.buffer = buffer;
      this.tensor = tensor;
      this.temporary = temporary;
    }
  }

  static final int GROUP_1D = 64;

  private final OpenClDevice device;
  private final Map<Object, Staged> staged = new LinkedHashMap<>();
  private final List<ClBuffer> scratch = new ArrayList<>();
  private final List<ClEvent> events = new ArrayList<>();
  private boolean failed = true;

  DeviceCall(OpenClDevice device) {
    this.device = device;
    device.lock().lock();
  }

  /** A buffer holding {@code t}'s values for the kernel to read. */
  ClBuffer in(Tensor t) {
    return stage(t, true, false);
  }

  /** A buffer the kernel writes {@code t}'s new values into (not initialised from the host). */
  ClBuffer out(Tensor t) {
    return stage(t, false, true);
  }

  /** A buffer holding {@code t}'s values that the kernel updates. */
  ClBuffer inOut(Tensor t) {
    return stage(t, true, true);
  }

  /** A device-only buffer of at least {@code bytes}, freed when the call ends. */
  ClBuffer scratch(long bytes) {
    ClBuffer b = device.context().allocate(Math.max(4, bytes));
    scratch.add(b);
    return b;
  }

  private ClBuffer stage(Tensor t, boolean read, boolean write) {
    ClBuffer pinned = device.residency().find(t);
    Object key = pinned != null ? pinned : spanKey(t);
    Staged s = staged.get(key);
    if (s == null && pinned == null) {
      device.residency().requireNotPartlyPinned("tensor", t);
    }
    if (s == null) {
      s = pinned != null ? new Staged(pinned, t, false)
          : new Staged(scratch(t.data().byteSize()), t, true);
      staged.put(key, s);
    }
    if (read && s.temporary && !s.uploaded) {
      device.residency().write(t.data(), s.buffer);
      s.uploaded = true;
    }
    s.download |= write && s.temporary;
    return s.buffer;
  }

  /** A buffer and the element offset at which a strided view's first element sits. */
  record Region(ClBuffer buffer, long baseElements) {}

  /**
   * The storage a strided view reads, for kernels that index it with its own strides: the pinned
   * buffer that holds it, or a temporary with just the span from the view's first to its last
   * element uploaded.
   */
  Region inStrided(Tensor view) {
    long elementBytes = view.dtype().byteSize();
    long extent = 1;
    for (int d = 0; d < view.rank(); d++) {
      extent += (long) (view.dim(d) - 1) * view.strides()[d];
    }
    MemorySegment span = view.storage().asSlice(view.byteOffset(), extent * elementBytes);
    OpenClResidency.Located pinned = device.residency().locate(span);
    if (pinned != null) {
      return new Region(pinned.buffer(), pinned.byteOffset() / elementBytes);
    }
    ClBuffer temp = scratch(span.byteSize());
    device.residency().write(span, temp);
    return new Region(temp, 0);
  }

  /** Off-heap bytes are identified by address; heap tensors are never shared within a call. */
  private static Object spanKey(Tensor t) {
    MemorySegment data = t.data();
    return t.isNative() ? List.of(data.address(), data.byteSize()) : new Object();
  }

  /**
   * Sets {@code kernel}'s arguments in order and enqueues it over {@code global} work-items in
   * groups of {@code local}. With {@code local} null, groups are {@value #GROUP_1D} items (1-D) or
   * 16 x 16 (2-D) and the global size is rounded up to whole groups, so kernels must check their
   * bounds. A fixed group size matters: PoCL (like other compilers) specialises a kernel per group
   * size, and letting the driver pick one per global size recompiled kernels on most calls.
   */
  void run(ClKernel kernel, long[] global, long[] local, Object... args) {
    for (long g : global) {
      if (g == 0) {
        return;
      }
    }
    if (local == null) {
      local = new long[global.length];
      long[] rounded = new long[global.length];
      for (int d = 0; d < global.length; d++) {
        local[d] = global.length == 1 ? GROUP_1D : 16;
        rounded[d] = (global[d] + local[d] - 1) / local[d] * local[d];
      }
      global = rounded;
    }
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case ClBuffer b -> kernel.arg(i, b);
        case Integer v -> kernel.arg(i, v.intValue());
        case Float v -> kernel.arg(i, v.floatValue());
        case Double v -> kernel.arg(i, v.doubleValue());
        case Long v -> kernel.arg(i, v.longValue());
        case Byte b -> kernel.argByte(i, b.value());
        case int[] v -> kernel.argInts(i, v);
        default -> throw new IllegalArgumentException("kernel argument " + i + " of "
            + kernel.name() + ": unsupported type " + args[i].getClass().getName());
      }
    }
    events.add(device.context().launch(kernel, global, local));
  }

  /**
   * {@code value} as the kernels' {@code acc_t}: a Double where the device computes in double, a
   * Float elsewhere.
   */
  Object real(double value) {
    return realBytes() == 8 ? (Object) value : (Object) (float) value;
  }

  /** Bytes of one {@code acc_t}. */
  int realBytes() {
    return device.usesDouble() ? 8 : 4;
  }

  /**
   * Waits for the queued kernels and reads the {@code acc_t} at index 0 of {@code buffer}: a result
   * the host needs (a loss, a norm). Counted as a download.
   */
  double readReal(ClBuffer buffer) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(realBytes(), 8);
      device.residency().read(buffer, value);
      return realBytes() == 8 ? value.get(ValueLayout.JAVA_DOUBLE, 0)
          : value.get(ValueLayout.JAVA_FLOAT, 0);
    }
  }

  /** A kernel of {@code program}. */
  ClKernel kernel(Program program, String name) {
    return device.kernel(program, name);
  }

  /** Marks the call as complete: closing then copies outputs back. */
  void complete() {
    failed = false;
  }

  @Override
  public void close() {
    try {
      device.context().finish();
      long nanos = 0;
      for (ClEvent e : events) {
        nanos += e.deviceNanos();
        e.close();
      }
      device.recordCall(nanos, events.size());
      if (!failed) {
        for (Staged s : staged.values()) {
          if (s.download) {
            device.residency().read(s.buffer, s.tensor.data());
          }
        }
      }
    } finally {
      scratch.forEach(ClBuffer::close);
      device.lock().unlock();
    }
  }
}
