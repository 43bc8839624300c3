package dev.harmonics.ffi.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** A program built for one device; {@link #binary()} is what {@link ClContext#programFromBinary}
 * loads again. */
public final class ClProgram implements AutoCloseable {

  private static final int PROGRAM_BINARY_SIZES = 0x1165;
  private static final int PROGRAM_BINARIES = 0x1166;
  private static final int PROGRAM_BUILD_LOG = 0x1183;

  private final OpenCl cl;
  private final ClDevice device;
  private MemorySegment handle;

  ClProgram(OpenCl cl, ClDevice device, MemorySegment handle) {
    this.cl = cl;
    this.device = device;
    this.handle = handle;
  }

  /** The device's executable for this program ({@code CL_PROGRAM_BINARIES}). */
  public byte[] binary() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(OpenCl.I64);
      OpenCl.check("clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)", (int) cl.getProgramInfo
          .invokeExact(handle(), PROGRAM_BINARY_SIZES, 8L, size, MemorySegment.NULL));
      MemorySegment bytes = arena.allocate(Math.max(1, size.get(OpenCl.I64, 0)));
      MemorySegment pointers = arena.allocate(OpenCl.PTR);
      pointers.set(OpenCl.PTR, 0, bytes);
      OpenCl.check("clGetProgramInfo(CL_PROGRAM_BINARIES)", (int) cl.getProgramInfo
          .invokeExact(handle(), PROGRAM_BINARIES, OpenCl.PTR.byteSize(), pointers,
              MemorySegment.NULL));
      return bytes.asSlice(0, size.get(OpenCl.I64, 0)).toArray(ValueLayout.JAVA_BYTE);
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  /** The compiler's output for this program's last build on its device. */
  public String buildLog() {
    return buildLog(cl, handle(), device);
  }

  static String buildLog(OpenCl cl, MemorySegment program, ClDevice device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(OpenCl.I64);
      int status = (int) cl.getProgramBuildInfo.invokeExact(program, device.id(),
          PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size);
      if (status != OpenCl.CL_SUCCESS) {
        return "(no build log: clGetProgramBuildInfo returned " + ClErrors.name(status) + ")";
      }
      MemorySegment log = arena.allocate(Math.max(1, size.get(OpenCl.I64, 0)));
      OpenCl.check("clGetProgramBuildInfo", (int) cl.getProgramBuildInfo.invokeExact(program,
          device.id(), PROGRAM_BUILD_LOG, log.byteSize(), log, MemorySegment.NULL));
      return log.getString(0, StandardCharsets.UTF_8);
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    }
  }

  /** A new kernel object for the {@code __kernel} function {@code name}. */
  public ClKernel kernel(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment error = arena.allocate(OpenCl.I32);
      MemorySegment k = (MemorySegment) cl.createKernel.invokeExact(handle(),
          arena.allocateFrom(name), error);
      OpenCl.check("clCreateKernel(" + name + ")", error.get(OpenCl.I32, 0));
      return new ClKernel(cl, k, name);
    } catch (Throwable t) {
      throw OpenCl.rethrow(t);
    } finally {
      cl.keepJvmSignalHandlers();
    }
  }

  MemorySegment handle() {
    if (handle == null) {
      throw new IllegalStateException("this OpenCL program was released");
    }
    return handle;
  }

  @Override
  public void close() {
    if (handle != null) {
      MemorySegment released = handle;
      handle = null;
      try {
        OpenCl.check("clReleaseProgram", (int) cl.releaseProgram.invokeExact(released));
      } catch (Throwable t) {
        throw OpenCl.rethrow(t);
      }
    }
  }
}
