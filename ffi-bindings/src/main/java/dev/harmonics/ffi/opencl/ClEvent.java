package dev.harmonics.ffi.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A command's completion event. Its profiling times are the device's own clock: {@link
 * #deviceNanos()} is how long the command ran, without the host's enqueue and transfer costs.
 */
public final class ClEvent implements AutoCloseable {

  private static final int PROFILING_START = 0x1282;
  private static final int PROFILING_END = 0x1283;

  private final OpenCl cl;
  private final String command;
  private MemorySegment handle;

  ClEvent(OpenCl cl, MemorySegment handle, String command) {
    this.cl = cl;
    this.handle = handle;
    this.command = command;
  }

  /** Blocks until the command completed. */
  public void await() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment list = arena.allocate(OpenCl.PTR);
      list.set(OpenCl.PTR, 0, live());
      OpenCl.check("clWaitForEvents(" + command + ")", (int) cl.waitForEvents.invokeExact(1, list));
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    } finally {
      cl.keepJvmSignalHandlers();
    }
  }

  /** Device nanoseconds between the command's start and end; waits for it first. */
  public long deviceNanos() {
    await();
    return profile(PROFILING_END) - profile(PROFILING_START);
  }

  private long profile(int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(OpenCl.I64);
      OpenCl.check("clGetEventProfilingInfo(" + command + ")",
          (int) cl.getEventProfilingInfo.invokeExact(live(), param, 8L, value,
              MemorySegment.NULL));
      return value.get(OpenCl.I64, 0);
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  private MemorySegment live() {
    if (handle == null) {
      throw new IllegalStateException("the event of " + command + " was released");
    }
    return handle;
  }

  @Override
  public void close() {
    if (handle != null) {
      MemorySegment released = handle;
      handle = null;
      try {
        OpenCl.check("clReleaseEvent", (int) cl.releaseEvent.invokeExact(released));
      } catch (Throwable t) {
        throw OpenCl.rethrow(t);
      }
    }
  }
}
