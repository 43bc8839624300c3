package dev.harmonics.ffi.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * An OpenCL context on one device with one in-order command queue that records profiling times.
 * Buffers, programs and launches all go through it. Transfers block until done; launches return
 * an event and run in queue order, so a read after a launch sees the launch's results.
 */
public final class ClContext implements AutoCloseable {

  private static final long QUEUE_PROFILING_ENABLE = 1L << 1;
  private static final long MEM_READ_WRITE = 1L;

  private final OpenCl cl;
  private final ClDevice device;
  private MemorySegment context;
  private MemorySegment queue;

  private ClContext(OpenCl cl, ClDevice device, MemorySegment context, MemorySegment queue) {
    this.cl = cl;
    this.device = device;
    this.context = context;
    this.queue = queue;
  }

  static ClContext create(OpenCl cl, ClDevice device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment error = arena.allocate(OpenCl.I32);
      MemorySegment devices = arena.allocate(OpenCl.PTR);
      devices.set(OpenCl.PTR, 0, device.id());
      MemorySegment context = (MemorySegment) cl.createContext.invokeExact(MemorySegment.NULL, 1,
          devices, MemorySegment.NULL, MemorySegment.NULL, error);
      OpenCl.check("clCreateContext(" + device.name() + ")", error.get(OpenCl.I32, 0));
      MemorySegment queue = (MemorySegment) cl.createCommandQueue.invokeExact(context,
          device.id(), QUEUE_PROFILING_ENABLE, error);
      int status = error.get(OpenCl.I32, 0);
      if (status != OpenCl.CL_SUCCESS) {
        int ignored = (int) cl.releaseContext.invokeExact(context);
        OpenCl.check("clCreateCommandQueue(" + device.name() + ")", status);
      }
      return new ClContext(cl, device, context, queue);
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    } finally {
      cl.keepJvmSignalHandlers();
    }
  }

  /** The device this context runs on. */
  public ClDevice device() {
    return device;
  }

  /** A new uninitialised read-write buffer of {@code bytes} bytes (at least 1). */
  public ClBuffer allocate(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: > 0)");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment error = arena.allocate(OpenCl.I32);
      MemorySegment mem = (MemorySegment) cl.createBuffer.invokeExact(liveContext(), MEM_READ_WRITE,
          bytes, MemorySegment.NULL, error);
      OpenCl.check("clCreateBuffer(" + bytes + " bytes)", error.get(OpenCl.I32, 0));
      return new ClBuffer(cl, mem, bytes);
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  /** Copies {@code src} into {@code dst} at {@code offset} bytes; returns when done. */
  public void write(MemorySegment src, ClBuffer dst, long offset) {
    transfer(true, dst, offset, src);
  }

  /** Copies {@code dst.byteSize()} bytes of {@code src} from {@code offset}; returns when done. */
  public void read(ClBuffer src, long offset, MemorySegment dst) {
    transfer(false, src, offset, dst);
  }

  private void transfer(boolean write, ClBuffer buffer, long offset, MemorySegment host) {
    if (host.byteSize() == 0) {
      return;
    }
    String call = write ? "clEnqueueWriteBuffer" : "clEnqueueReadBuffer";
    try (Arena arena = Arena.ofConfined()) {
      // A downcall can only pass native memory: stage heap segments through a native copy.
      MemorySegment nativeHost = host.isNative() ? host : arena.allocate(host.byteSize(), 16);
      if (write && nativeHost != host) {
        nativeHost.copyFrom(host);
      }
      int status = write
          ? (int) cl.enqueueWriteBuffer.invokeExact(live(), buffer.handle(), 1, offset,
              host.byteSize(), nativeHost, 0, MemorySegment.NULL, MemorySegment.NULL)
          : (int) cl.enqueueReadBuffer.invokeExact(live(), buffer.handle(), 1, offset,
              host.byteSize(), nativeHost, 0, MemorySegment.NULL, MemorySegment.NULL);
      OpenCl.check(call + "(" + host.byteSize() + " bytes at " + offset + ")", status);
      if (!write && nativeHost != host) {
        host.copyFrom(nativeHost);
      }
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    } finally {
      cl.keepJvmSignalHandlers();
    }
  }

  /** Device-side copy of {@code bytes} bytes; ordered before later commands in the queue. */
  public void copy(ClBuffer src, long srcOffset, ClBuffer dst, long dstOffset, long bytes) {
    try {
      OpenCl.check("clEnqueueCopyBuffer(" + bytes + " bytes)", (int) cl.enqueueCopyBuffer
          .invokeExact(live(), src.handle(), dst.handle(), srcOffset, dstOffset, bytes, 0,
              MemorySegment.NULL, MemorySegment.NULL));
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  /** Fills {@code bytes} bytes from {@code offset} with the 32-bit pattern {@code value}. */
  public void fill(ClBuffer buffer, int value, long offset, long bytes) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pattern = arena.allocateFrom(ValueLayout.JAVA_INT, value);
      OpenCl.check("clEnqueueFillBuffer(" + bytes + " bytes)", (int) cl.enqueueFillBuffer
          .invokeExact(live(), buffer.handle(), pattern, 4L, offset, bytes, 0, MemorySegment.NULL,
              MemorySegment.NULL));
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  /**
   * Compiles {@code source} for this context's device. A compile error throws an {@link
   * OpenClException} ({@code CL_BUILD_PROGRAM_FAILURE}) that carries the compiler's log.
   */
  public ClProgram programFromSource(String source, String options) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment error = arena.allocate(OpenCl.I32);
      MemorySegment text = arena.allocateFrom(source, StandardCharsets.UTF_8);
      MemorySegment strings = arena.allocate(OpenCl.PTR);
      strings.set(OpenCl.PTR, 0, text);
      MemorySegment program = (MemorySegment) cl.createProgramWithSource.invokeExact(liveContext(), 1,
          strings, MemorySegment.NULL, error);
      OpenCl.check("clCreateProgramWithSource", error.get(OpenCl.I32, 0));
      return build(program, options, "clBuildProgram");
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  /**
   * Loads a device executable as {@link ClProgram#binary()} returned it (or as an FPGA toolchain
   * wrote it) and finishes it with {@code clBuildProgram}. A binary for another device throws
   * {@code CL_INVALID_BINARY}.
   */
  public ClProgram programFromBinary(byte[] binary, String options) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment error = arena.allocate(OpenCl.I32);
      MemorySegment status = arena.allocate(OpenCl.I32);
      MemorySegment devices = arena.allocate(OpenCl.PTR);
      devices.set(OpenCl.PTR, 0, device.id());
      MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, binary);
      MemorySegment pointers = arena.allocate(OpenCl.PTR);
      pointers.set(OpenCl.PTR, 0, bytes);
      MemorySegment program = (MemorySegment) cl.createProgramWithBinary.invokeExact(liveContext(), 1,
          devices, OpenCl.sizes(arena, binary.length), pointers, status, error);
      OpenCl.check("clCreateProgramWithBinary(" + binary.length + " bytes)",
          error.get(OpenCl.I32, 0));
      if (status.get(OpenCl.I32, 0) != OpenCl.CL_SUCCESS) {
        int ignored = (int) cl.releaseProgram.invokeExact(program);
        OpenCl.check("clCreateProgramWithBinary(binary status)", status.get(OpenCl.I32, 0));
      }
      return build(program, options, "clBuildProgram(binary)");
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  private ClProgram build(MemorySegment program, String options, String call) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment devices = arena.allocate(OpenCl.PTR);
      devices.set(OpenCl.PTR, 0, device.id());
      int status;
      try {
        status = (int) cl.buildProgram.invokeExact(program, 1, devices,
            arena.allocateFrom(options == null ? "" : options), MemorySegment.NULL,
            MemorySegment.NULL);
      } finally {
        cl.keepJvmSignalHandlers();
      }
      if (status != OpenCl.CL_SUCCESS) {
        String log = ClProgram.buildLog(cl, program, device);
        int ignored = (int) cl.releaseProgram.invokeExact(program);
        throw new OpenClException(call + " on " + device.name(), status, log);
      }
      return new ClProgram(cl, device, program);
    }
  }

  /**
   * Enqueues {@code kernel} over {@code global} work-items in groups of {@code local} (null lets
   * the driver choose); the event gives the device time.
   */
  public ClEvent launch(ClKernel kernel, long[] global, long[] local) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment event = arena.allocate(OpenCl.PTR);
      MemorySegment localSizes = local == null ? MemorySegment.NULL : OpenCl.sizes(arena, local);
      OpenCl.check("clEnqueueNDRangeKernel(" + kernel.name() + ")",
          (int) cl.enqueueNdRangeKernel.invokeExact(live(), kernel.handle(), global.length,
              MemorySegment.NULL, OpenCl.sizes(arena, global), localSizes, 0, MemorySegment.NULL,
              event));
      return new ClEvent(cl, event.get(OpenCl.PTR, 0), kernel.name());
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    } finally {
      cl.keepJvmSignalHandlers();
    }
  }

  /** Blocks until every queued command has finished. */
  public void finish() {
    try {
      OpenCl.check("clFinish", (int) cl.finish.invokeExact(live()));
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    } finally {
      cl.keepJvmSignalHandlers();
    }
  }

  private MemorySegment live() {
    if (queue == null) {
      throw new IllegalStateException("this OpenCL context was closed");
    }
    return queue;
  }

  private MemorySegment liveContext() {
    live();
    return context;
  }

  @Override
  public void close() {
    if (queue != null) {
      try {
        OpenCl.check("clReleaseCommandQueue", (int) cl.releaseCommandQueue.invokeExact(queue));
        OpenCl.check("clReleaseContext", (int) cl.releaseContext.invokeExact(context));
      } catch (Throwable t) {
        throw OpenCl.rethrow(t);
      } finally {
        queue = null;
        context = null;
      }
    }
  }
}
