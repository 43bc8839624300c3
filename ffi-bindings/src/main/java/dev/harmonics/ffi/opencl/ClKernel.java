package dev.harmonics.ffi.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One {@code __kernel} function of a built program, with its arguments. Setting arguments and
 * launching are not thread-safe on one kernel object (OpenCL's rule): callers serialise.
 */
public final class ClKernel implements AutoCloseable {

  private final OpenCl cl;
  private final String name;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment scratch = arena.allocate(64, 64);
  private MemorySegment handle;

  ClKernel(OpenCl cl, MemorySegment handle, String name) {
    this.cl = cl;
    this.handle = handle;
    this.name = name;
  }

  /** The kernel function's name. */
  public String name() {
    return name;
  }

  /** Sets argument {@code index} to a buffer. */
  public ClKernel arg(int index, ClBuffer buffer) {
    scratch.set(ValueLayout.ADDRESS, 0, buffer.handle());
    return set(index, ValueLayout.ADDRESS.byteSize());
  }

  /** Sets argument {@code index} to an {@code int}. */
  public ClKernel arg(int index, int value) {
    scratch.set(ValueLayout.JAVA_INT, 0, value);
    return set(index, 4);
  }

  /** Sets argument {@code index} to a {@code char} or {@code uchar}. */
  public ClKernel argByte(int index, byte value) {
    scratch.set(ValueLayout.JAVA_BYTE, 0, value);
    return set(index, 1);
  }

  /** Sets argument {@code index} to a {@code float}. */
  public ClKernel arg(int index, float value) {
    scratch.set(ValueLayout.JAVA_FLOAT, 0, value);
    return set(index, 4);
  }

  /** Sets argument {@code index} to a {@code double} (the device needs {@code cl_khr_fp64}). */
  public ClKernel arg(int index, double value) {
    scratch.set(ValueLayout.JAVA_DOUBLE, 0, value);
    return set(index, 8);
  }

  /** Sets argument {@code index} to a {@code long} ({@code ulong} in OpenCL C). */
  public ClKernel arg(int index, long value) {
    scratch.set(ValueLayout.JAVA_LONG, 0, value);
    return set(index, 8);
  }

  /**
   * Sets argument {@code index}, an OpenCL C vector such as {@code int8}, to {@code values} (2, 4,
   * 8 or 16 of them).
   */
  public ClKernel argInts(int index, int[] values) {
    if (values.length > 16) {
      throw new IllegalArgumentException("values: " + values.length + " ints (expected: <= 16)");
    }
    MemorySegment.copy(values, 0, scratch, ValueLayout.JAVA_INT, 0, values.length);
    return set(index, 4L * values.length);
  }

  /** Sets argument {@code index}, a {@code __local} pointer, to {@code bytes} of local memory. */
  public ClKernel local(int index, long bytes) {
    return call(index, bytes, MemorySegment.NULL);
  }

  private ClKernel set(int index, long size) {
    return call(index, size, scratch);
  }

  private ClKernel call(int index, long size, MemorySegment value) {
    try {
      OpenCl.check("clSetKernelArg(" + name + ", " + index + ")",
          (int) cl.setKernelArg.invokeExact(handle(), index, size, value));
      return this;
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  MemorySegment handle() {
    if (handle == null) {
      throw new IllegalStateException("the OpenCL kernel " + name + " was released");
    }
    return handle;
  }

  @Override
  public void close() {
    if (handle != null) {
      MemorySegment released = handle;
      handle = null;
      try {
        OpenCl.check("clReleaseKernel(" + name + ")", (int) cl.releaseKernel.invokeExact(released));
      } catch (Throwable t) {
        throw OpenCl.rethrow(t);
      } finally {
        arena.close();
      }
    }
  }
}
