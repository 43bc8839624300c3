package dev.harmonics.ffi.opencl;

import java.lang.foreign.MemorySegment;

/** A device buffer ({@code cl_mem}) of {@link #bytes()} bytes; close it to free the device memory. */
public final class ClBuffer implements AutoCloseable {

  private final OpenCl cl;
  private final long bytes;
  private MemorySegment handle;

  ClBuffer(OpenCl cl, MemorySegment handle, long bytes) {
    this.cl = cl;
    this.handle = handle;
    this.bytes = bytes;
  }

  /** The size in bytes. */
  public long bytes() {
    return bytes;
  }

  MemorySegment handle() {
    if (handle == null) {
      throw new IllegalStateException("this OpenCL buffer was released");
    }
    return handle;
  }

  @Override
  public void close() {
    if (handle != null) {
      MemorySegment released = handle;
      handle = null;
      try {
        OpenCl.check("clReleaseMemObject", (int) cl.releaseMemObject.invokeExact(released));
      } catch (Throwable t) {
        throw OpenCl.rethrow(t);
      }
    }
  }
}
