package dev.harmonics.ffi.opencl;

import dev.harmonics.ffi.loader.NativeLibraryExtractor;
import dev.harmonics.ffi.signals.JvmSignalHandlers;
import dev.harmonics.kernel.Availability;
import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL API (1.2 subset) through FFM, loaded lazily on first use.
 *
 * <p>The ICD loader {@code libOpenCL.so.1} is looked for in this order: the path in the {@code
 * harmonics.opencl.library} property if set (only that one: a path that does not exist makes
 * OpenCL unavailable, which is how tests simulate a machine without it), the system's, then the
 * copy in bytedeco's {@code opencl} jar, extracted by {@link NativeLibraryExtractor}. Which one was
 * used is in {@link #libraryOrigin()}.
 *
 * <p>Every failing call throws an {@link OpenClException} naming the call and the status code. Short
 * calls that never call back into Java (info queries, argument setting, releases) are bound with
 * {@link Linker.Option#critical}; transfers, builds and waits are ordinary downcalls because a
 * critical call holds off safepoints for its whole duration.
 *
 * <p>Calls that may run a compiler inside the driver (platform discovery, context creation, program
 * builds, kernel creation, launches and waits) are followed by {@link #keepJvmSignalHandlers()}:
 * PoCL's LLVM replaces the JVM's signal handlers, see {@link JvmSignalHandlers}.
 */
@SuppressWarnings("restricted")
public final class OpenCl {

  /** System property naming the OpenCL ICD loader to use instead of searching. */
  public static final String LIBRARY_PROPERTY = "harmonics.opencl.library";

  static final int CL_SUCCESS = 0;
  static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
  static final int CL_DEVICE_NOT_FOUND = -1;

  private static final String BYTEDECO_DIR = "org/bytedeco/opencl/linux-x86_64/";
  private static final String LIBRARY = "libOpenCL.so.1";

  static final AddressLayout PTR = ValueLayout.ADDRESS;
  static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
  static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG;

  final MethodHandle getPlatformIds;
  final MethodHandle getPlatformInfo;
  final MethodHandle getDeviceIds;
  final MethodHandle getDeviceInfo;
  final MethodHandle createContext;
  final MethodHandle releaseContext;
  final MethodHandle createCommandQueue;
  final MethodHandle releaseCommandQueue;
  final MethodHandle finish;
  final MethodHandle createBuffer;
  final MethodHandle releaseMemObject;
  final MethodHandle enqueueReadBuffer;
  final MethodHandle enqueueWriteBuffer;
  final MethodHandle enqueueCopyBuffer;
  final MethodHandle enqueueFillBuffer;
  final MethodHandle createProgramWithSource;
  final MethodHandle createProgramWithBinary;
  final MethodHandle buildProgram;
  final MethodHandle getProgramInfo;
  final MethodHandle getProgramBuildInfo;
  final MethodHandle releaseProgram;
  final MethodHandle createKernel;
  final MethodHandle setKernelArg;
  final MethodHandle releaseKernel;
  final MethodHandle enqueueNdRangeKernel;
  final MethodHandle waitForEvents;
  final MethodHandle getEventProfilingInfo;
  final MethodHandle releaseEvent;

  private final String origin;
  private final JvmSignalHandlers jvmSignalHandlers;

  private OpenCl(SymbolLookup lookup, String origin) {
    this.origin = origin;
    this.jvmSignalHandlers = JvmSignalHandlers.save("the OpenCL driver (" + origin + ")");
    Linker.Option critical = Linker.Option.critical(false);
    getPlatformIds = bind(lookup, "clGetPlatformIDs", FunctionDescriptor.of(I32, I32, PTR, PTR));
    getPlatformInfo = bind(lookup, "clGetPlatformInfo",
        FunctionDescriptor.of(I32, PTR, I32, I64, PTR, PTR), critical);
    getDeviceIds = bind(lookup, "clGetDeviceIDs",
        FunctionDescriptor.of(I32, PTR, I64, I32, PTR, PTR));
    getDeviceInfo = bind(lookup, "clGetDeviceInfo",
        FunctionDescriptor.of(I32, PTR, I32, I64, PTR, PTR), critical);
    createContext = bind(lookup, "clCreateContext",
        FunctionDescriptor.of(PTR, PTR, I32, PTR, PTR, PTR, PTR));
    releaseContext = bind(lookup, "clReleaseContext", FunctionDescriptor.of(I32, PTR));
    createCommandQueue = bind(lookup, "clCreateCommandQueue",
        FunctionDescriptor.of(PTR, PTR, PTR, I64, PTR));
    releaseCommandQueue = bind(lookup, "clReleaseCommandQueue", FunctionDescriptor.of(I32, PTR));
    finish = bind(lookup, "clFinish", FunctionDescriptor.of(I32, PTR));
    createBuffer = bind(lookup, "clCreateBuffer",
        FunctionDescriptor.of(PTR, PTR, I64, I64, PTR, PTR));
    releaseMemObject = bind(lookup, "clReleaseMemObject", FunctionDescriptor.of(I32, PTR));
    FunctionDescriptor transfer = FunctionDescriptor.of(I32, PTR, PTR, I32, I64, I64, PTR, I32,
        PTR, PTR);
    enqueueReadBuffer = bind(lookup, "clEnqueueReadBuffer", transfer);
    enqueueWriteBuffer = bind(lookup, "clEnqueueWriteBuffer", transfer);
    enqueueCopyBuffer = bind(lookup, "clEnqueueCopyBuffer",
        FunctionDescriptor.of(I32, PTR, PTR, PTR, I64, I64, I64, I32, PTR, PTR));
    enqueueFillBuffer = bind(lookup, "clEnqueueFillBuffer",
        FunctionDescriptor.of(I32, PTR, PTR, PTR, I64, I64, I64, I32, PTR, PTR));
    createProgramWithSource = bind(lookup, "clCreateProgramWithSource",
        FunctionDescriptor.of(PTR, PTR, I32, PTR, PTR, PTR));
    createProgramWithBinary = bind(lookup, "clCreateProgramWithBinary",
        FunctionDescriptor.of(PTR, PTR, I32, PTR, PTR, PTR, PTR, PTR));
    buildProgram = bind(lookup, "clBuildProgram",
        FunctionDescriptor.of(I32, PTR, I32, PTR, PTR, PTR, PTR));
    getProgramInfo = bind(lookup, "clGetProgramInfo",
        FunctionDescriptor.of(I32, PTR, I32, I64, PTR, PTR));
    getProgramBuildInfo = bind(lookup, "clGetProgramBuildInfo",
        FunctionDescriptor.of(I32, PTR, PTR, I32, I64, PTR, PTR));
    releaseProgram = bind(lookup, "clReleaseProgram", FunctionDescriptor.of(I32, PTR));
    createKernel = bind(lookup, "clCreateKernel", FunctionDescriptor.of(PTR, PTR, PTR, PTR));
    setKernelArg = bind(lookup, "clSetKernelArg",
        FunctionDescriptor.of(I32, PTR, I32, I64, PTR), critical);
    releaseKernel = bind(lookup, "clReleaseKernel", FunctionDescriptor.of(I32, PTR), critical);
    enqueueNdRangeKernel = bind(lookup, "clEnqueueNDRangeKernel",
        FunctionDescriptor.of(I32, PTR, PTR, I32, PTR, PTR, PTR, I32, PTR, PTR));
    waitForEvents = bind(lookup, "clWaitForEvents", FunctionDescriptor.of(I32, I32, PTR));
    getEventProfilingInfo = bind(lookup, "clGetEventProfilingInfo",
        FunctionDescriptor.of(I32, PTR, I32, I64, PTR, PTR), critical);
    releaseEvent = bind(lookup, "clReleaseEvent", FunctionDescriptor.of(I32, PTR), critical);
  }

  private static MethodHandle bind(SymbolLookup lookup, String name, FunctionDescriptor fd,
      Linker.Option... options) {
    MemorySegment symbol = lookup.find(name).orElseThrow(() -> new IllegalStateException(
        "the OpenCL library has no symbol " + name + " (it is older than OpenCL 1.2)"));
    return Linker.nativeLinker().downcallHandle(symbol, fd, options);
  }

  /** Whether OpenCL can be used here: a loader, a platform and a device; the reason if not. */
  public static Availability availability() {
    return Holder.AVAILABILITY;
  }

  /** The loaded API, or an {@link UnsupportedOperationException} with the reason it is missing. */
  public static OpenCl load() {
    if (Holder.INSTANCE == null) {
      throw new UnsupportedOperationException("OpenCL is unavailable: "
          + Holder.AVAILABILITY.reason());
    }
    return Holder.INSTANCE;
  }

  /** Where the ICD loader came from: the property's path, the system, or the bytedeco jar. */
  public String libraryOrigin() {
    return origin;
  }

  /**
   * Puts back the JVM's signal handlers if the driver replaced them (see {@link
   * JvmSignalHandlers}); called after every call that may compile.
   */
  void keepJvmSignalHandlers() {
    jvmSignalHandlers.restoreIfReplaced();
  }

  /** Every platform with every device, in the order the loader lists them. */
  public List<ClPlatform> platforms() {
    try {
      return listPlatforms();
    } finally {
      keepJvmSignalHandlers();
    }
  }

  private List<ClPlatform> listPlatforms() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment count = arena.allocate(I32);
      int status = (int) getPlatformIds.invokeExact(0, MemorySegment.NULL, count);
      if (status == CL_PLATFORM_NOT_FOUND_KHR) {
        return List.of();
      }
      check("clGetPlatformIDs", status);
      int n = count.get(I32, 0);
      MemorySegment ids = arena.allocate(PTR, Math.max(n, 1));
      check("clGetPlatformIDs", (int) getPlatformIds.invokeExact(n, ids, MemorySegment.NULL));
      List<ClPlatform> platforms = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        MemorySegment id = ids.getAtIndex(PTR, i);
        String name = platformString(id, 0x0902);
        platforms.add(new ClPlatform(id, name, platformString(id, 0x0903),
            platformString(id, 0x0901), devices(id, name)));
      }
      return List.copyOf(platforms);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private List<ClDevice> devices(MemorySegment platform, String platformName) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment count = arena.allocate(I32);
      int status = (int) getDeviceIds.invokeExact(platform, DeviceType.ALL.bits(), 0,
          MemorySegment.NULL, count);
      if (status == CL_DEVICE_NOT_FOUND) {
        return List.of();
      }
      check("clGetDeviceIDs", status);
      int n = count.get(I32, 0);
      MemorySegment ids = arena.allocate(PTR, n);
      check("clGetDeviceIDs", (int) getDeviceIds.invokeExact(platform, DeviceType.ALL.bits(), n,
          ids, MemorySegment.NULL));
      List<ClDevice> devices = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        MemorySegment id = ids.getAtIndex(PTR, i);
        devices.add(new ClDevice(id, DeviceType.of(deviceLong(id, 0x1000)),
            deviceString(id, 0x102B), deviceString(id, 0x102C), platformName,
            (int) deviceInt(id, 0x1002), deviceLong(id, 0x101F), deviceLong(id, 0x1023),
            deviceLong(id, 0x1004), deviceString(id, 0x102F), deviceString(id, 0x102D),
            deviceString(id, 0x1030)));
      }
      return devices;
    }
  }

  /** A context on {@code device} with one in-order queue that records profiling times. */
  public ClContext createContext(ClDevice device) {
    return ClContext.create(this, device);
  }

  private String platformString(MemorySegment platform, int param) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(I64);
      check("clGetPlatformInfo",
          (int) getPlatformInfo.invokeExact(platform, param, 0L, MemorySegment.NULL, size));
      MemorySegment value = arena.allocate(Math.max(1, size.get(I64, 0)));
      check("clGetPlatformInfo", (int) getPlatformInfo.invokeExact(platform, param,
          value.byteSize(), value, MemorySegment.NULL));
      return value.getString(0, StandardCharsets.UTF_8).strip();
    }
  }

  private String deviceString(MemorySegment device, int param) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(I64);
      check("clGetDeviceInfo",
          (int) getDeviceInfo.invokeExact(device, param, 0L, MemorySegment.NULL, size));
      MemorySegment value = arena.allocate(Math.max(1, size.get(I64, 0)));
      check("clGetDeviceInfo", (int) getDeviceInfo.invokeExact(device, param, value.byteSize(),
          value, MemorySegment.NULL));
      return value.getString(0, StandardCharsets.UTF_8).strip();
    }
  }

  private long deviceLong(MemorySegment device, int param) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(I64);
      check("clGetDeviceInfo",
          (int) getDeviceInfo.invokeExact(device, param, 8L, value, MemorySegment.NULL));
      return value.get(I64, 0);
    }
  }

  private long deviceInt(MemorySegment device, int param) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(I32);
      check("clGetDeviceInfo",
          (int) getDeviceInfo.invokeExact(device, param, 4L, value, MemorySegment.NULL));
      return value.get(I32, 0);
    }
  }

  /** Throws an {@link OpenClException} naming {@code call} unless {@code status} is success. */
  static void check(String call, int status) {
    if (status != CL_SUCCESS) {
      throw new OpenClException(call, status, null);
    }
  }

  /** Unwraps what a {@code invokeExact} may throw into an unchecked exception. */
  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("OpenCL downcall failed", t);
  }

  /** A {@code size_t[]} in {@code arena}. */
  static MemorySegment sizes(Arena arena, long... values) {
    MemorySegment s = arena.allocate(MemoryLayout.sequenceLayout(values.length, I64));
    for (int i = 0; i < values.length; i++) {
      s.setAtIndex(I64, i, values[i]);
    }
    return s;
  }

  private static final class Holder {
    static final OpenCl INSTANCE;
    static final Availability AVAILABILITY;

    static {
      OpenCl loaded = null;
      Availability availability;
      try {
        loaded = open();
        List<ClPlatform> platforms = loaded.platforms();
        long devices = platforms.stream().mapToLong(p -> p.devices().size()).sum();
        if (platforms.isEmpty()) {
          availability = Availability.no("the OpenCL loader (" + loaded.origin
              + ") found no platform: install a driver (for a CPU, pocl-opencl-icd)");
        } else if (devices == 0) {
          availability = Availability.no("OpenCL platforms " + platforms + " have no device");
        } else {
          availability = Availability.yes(describe(platforms) + "; loader " + loaded.origin);
        }
      } catch (RuntimeException | LinkageError e) {
        availability = Availability.no(String.valueOf(e.getMessage()));
      }
      AVAILABILITY = availability;
      INSTANCE = availability.available() ? loaded : null;
    }

    /** Each platform with its devices, e.g. {@code PoCL 6.0 [cpu 'x' on 'PoCL', ...]}. */
    private static String describe(List<ClPlatform> platforms) {
      StringBuilder out = new StringBuilder();
      for (ClPlatform p : platforms) {
        if (!out.isEmpty()) {
          out.append("; ");
        }
        out.append(p.name()).append(" (").append(p.version()).append("): ");
        out.append(String.join(", ", p.devices().stream().map(d -> d.type().id() + " '"
            + d.name() + "', " + d.computeUnits() + " compute units, "
            + (d.globalMemoryBytes() >> 20) + " MiB").toList()));
      }
      return out.toString();
    }

    private static OpenCl open() {
      String configured = System.getProperty(LIBRARY_PROPERTY);
      if (configured != null && !configured.isBlank()) {
        Path path = Path.of(configured.trim());
        try {
          return new OpenCl(SymbolLookup.libraryLookup(path, Arena.global()), path.toString());
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("no OpenCL loader at " + path + " (set by -D"
              + LIBRARY_PROPERTY + ")", e);
        }
      }
      try {
        return new OpenCl(SymbolLookup.libraryLookup(LIBRARY, Arena.global()), "system "
            + LIBRARY);
      } catch (IllegalArgumentException notInstalled) {
        try {
          Path dir = NativeLibraryExtractor.extract("opencl", OpenCl.class.getClassLoader(),
              BYTEDECO_DIR, List.of(LIBRARY));
          return new OpenCl(SymbolLookup.libraryLookup(dir.resolve(LIBRARY), Arena.global()),
              "bytedeco " + dir.resolve(LIBRARY));
        } catch (IOException | RuntimeException e) {
          throw new IllegalStateException("no OpenCL loader: the system has no " + LIBRARY
              + " (install ocl-icd-libopencl1) and the bytedeco opencl jar's copy could not be"
              + " used: " + e.getMessage(), e);
        }
      }
    }
  }
}
