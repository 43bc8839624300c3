package dev.harmonics.ffi.cuda;

import dev.harmonics.kernel.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CUDA driver API ({@code libcuda.so.1}, installed with the NVIDIA driver) through FFM:
 * devices, primary contexts, device memory and copies, streams, events, modules from PTX or cubin images and
 * kernel launches.
 *
 * <p>The library is opened and {@code cuInit} called once, on first use; {@link #availability()}
 * says why the driver cannot be used (no library, or {@code cuInit} failed, e.g. with {@code
 * CUDA_ERROR_NO_DEVICE}). Every call checks its {@code CUresult} and throws a {@link CudaException}
 * naming the call and the error. Device pointers are {@code long}s ({@code CUdeviceptr}); handles
 * (contexts, streams, events, modules, functions) are {@link MemorySegment} addresses.
 *
 * <p>The driver keeps one current context per thread: callers make the context current ({@link
 * #setCurrentContext}) on every thread that uses it.
 */
@SuppressWarnings("restricted")
public final class CudaDriver {

  /** {@code CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT}. */
  public static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
  /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR}. */
  public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
  /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR}. */
  public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
  /** {@code CU_STREAM_NON_BLOCKING}: no implicit synchronisation with the legacy default stream. */
  public static final int STREAM_NON_BLOCKING = 1;

  private static final ValueLayout I32 = ValueLayout.JAVA_INT;
  private static final ValueLayout I64 = ValueLayout.JAVA_LONG;
  private static final ValueLayout PTR = ValueLayout.ADDRESS;

  private final SharedLibrary library;
  private final MethodHandle driverGetVersion;
  private final MethodHandle deviceGetCount;
  private final MethodHandle deviceGet;
  private final MethodHandle deviceGetName;
  private final MethodHandle deviceGetAttribute;
  private final MethodHandle deviceTotalMem;
  private final MethodHandle primaryCtxRetain;
  private final MethodHandle primaryCtxRelease;
  private final MethodHandle ctxSetCurrent;
  private final MethodHandle ctxSynchronize;
  private final MethodHandle memAlloc;
  private final MethodHandle memFree;
  private final MethodHandle memGetInfo;
  private final MethodHandle memcpyHtoDAsync;
  private final MethodHandle memcpyDtoHAsync;
  private final MethodHandle memcpyDtoDAsync;
  private final MethodHandle memsetD8Async;
  private final MethodHandle streamCreate;
  private final MethodHandle streamDestroy;
  private final MethodHandle streamSynchronize;
  private final MethodHandle eventCreate;
  private final MethodHandle eventRecord;
  private final MethodHandle eventSynchronize;
  private final MethodHandle eventElapsedTime;
  private final MethodHandle eventDestroy;
  private final MethodHandle moduleLoadData;
  private final MethodHandle moduleUnload;
  private final MethodHandle moduleGetFunction;
  private final MethodHandle launchKernel;

  private CudaDriver(SharedLibrary library) {
    this.library = library;
    Linker.Option critical = Linker.Option.critical(false);
    driverGetVersion = bind("cuDriverGetVersion", FunctionDescriptor.of(I32, PTR));
    deviceGetCount = bind("cuDeviceGetCount", FunctionDescriptor.of(I32, PTR));
    deviceGet = bind("cuDeviceGet", FunctionDescriptor.of(I32, PTR, I32));
    deviceGetName = bind("cuDeviceGetName", FunctionDescriptor.of(I32, PTR, I32, I32));
    deviceGetAttribute = bind("cuDeviceGetAttribute", FunctionDescriptor.of(I32, PTR, I32, I32));
    deviceTotalMem = bind("cuDeviceTotalMem_v2", FunctionDescriptor.of(I32, PTR, I32));
    primaryCtxRetain = bind("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(I32, PTR, I32));
    primaryCtxRelease = bind("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(I32, I32));
    ctxSetCurrent = bind("cuCtxSetCurrent", FunctionDescriptor.of(I32, PTR), critical);
    ctxSynchronize = bind("cuCtxSynchronize", FunctionDescriptor.of(I32));
    memAlloc = bind("cuMemAlloc_v2", FunctionDescriptor.of(I32, PTR, I64));
    memFree = bind("cuMemFree_v2", FunctionDescriptor.of(I32, I64));
    memGetInfo = bind("cuMemGetInfo_v2", FunctionDescriptor.of(I32, PTR, PTR));
    memcpyHtoDAsync = bind("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(I32, I64, PTR, I64, PTR));
    memcpyDtoHAsync = bind("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(I32, PTR, I64, I64, PTR));
    memcpyDtoDAsync = bind("cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(I32, I64, I64, I64, PTR));
    memsetD8Async = bind("cuMemsetD8Async", FunctionDescriptor.of(I32, I64, ValueLayout.JAVA_BYTE,
        I64, PTR), critical);
    streamCreate = bind("cuStreamCreate", FunctionDescriptor.of(I32, PTR, I32));
    streamDestroy = bind("cuStreamDestroy_v2", FunctionDescriptor.of(I32, PTR));
    streamSynchronize = bind("cuStreamSynchronize", FunctionDescriptor.of(I32, PTR));
    eventCreate = bind("cuEventCreate", FunctionDescriptor.of(I32, PTR, I32));
    eventRecord = bind("cuEventRecord", FunctionDescriptor.of(I32, PTR, PTR), critical);
    eventSynchronize = bind("cuEventSynchronize", FunctionDescriptor.of(I32, PTR));
    eventElapsedTime = Linker.nativeLinker().downcallHandle(
        library.require("cuEventElapsedTime_v2", "cuEventElapsedTime"),
        FunctionDescriptor.of(I32, PTR, PTR, PTR));
    eventDestroy = bind("cuEventDestroy_v2", FunctionDescriptor.of(I32, PTR));
    moduleLoadData = bind("cuModuleLoadData", FunctionDescriptor.of(I32, PTR, PTR));
    moduleUnload = bind("cuModuleUnload", FunctionDescriptor.of(I32, PTR));
    moduleGetFunction = bind("cuModuleGetFunction", FunctionDescriptor.of(I32, PTR, PTR, PTR));
    launchKernel = bind("cuLaunchKernel", FunctionDescriptor.of(I32, PTR, I32, I32, I32, I32, I32,
        I32, I32, PTR, PTR, PTR), critical);
  }

  private MethodHandle bind(String symbol, FunctionDescriptor descriptor,
      Linker.Option... options) {
    return Linker.nativeLinker().downcallHandle(library.require(symbol), descriptor, options);
  }

  /** Whether the driver library loaded and initialised, with the reason if not. Never throws. */
  public static Availability availability() {
    return Holder.AVAILABILITY;
  }

  /** The initialised driver, or an {@link UnsupportedOperationException} saying why not. */
  public static CudaDriver load() {
    if (Holder.INSTANCE == null) {
      throw new UnsupportedOperationException(
          "the CUDA driver is unavailable: " + Holder.AVAILABILITY.reason());
    }
    return Holder.INSTANCE;
  }

  /** Where {@code libcuda} was loaded from. */
  public String location() {
    return library.location();
  }

  /** The driver's CUDA version as {@code 1000 * major + 10 * minor}, e.g. 13000. */
  public int driverVersion() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(I32);
      CuResult.check("cuDriverGetVersion", (int) driverGetVersion.invokeExact(out));
      return out.get(ValueLayout.JAVA_INT, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The number of CUDA devices. */
  public int deviceCount() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(I32);
      CuResult.check("cuDeviceGetCount", (int) deviceGetCount.invokeExact(out));
      return out.get(ValueLayout.JAVA_INT, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The device handle ({@code CUdevice}) of device {@code ordinal}. */
  public int device(int ordinal) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(I32);
      CuResult.check("cuDeviceGet", (int) deviceGet.invokeExact(out, ordinal));
      return out.get(ValueLayout.JAVA_INT, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The device's marketing name. */
  public String deviceName(int device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(256);
      CuResult.check("cuDeviceGetName", (int) deviceGetName.invokeExact(out, 256, device));
      return out.getString(0, StandardCharsets.UTF_8);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** A {@code CU_DEVICE_ATTRIBUTE_*} value of the device. */
  public int deviceAttribute(int device, int attribute) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(I32);
      CuResult.check("cuDeviceGetAttribute",
          (int) deviceGetAttribute.invokeExact(out, attribute, device));
      return out.get(ValueLayout.JAVA_INT, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The device's memory in bytes. */
  public long deviceTotalMemory(int device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(I64);
      CuResult.check("cuDeviceTotalMem", (int) deviceTotalMem.invokeExact(out, device));
      return out.get(ValueLayout.JAVA_LONG, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Retains the device's primary context (the one the runtime API shares). */
  public MemorySegment retainPrimaryContext(int device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(PTR);
      CuResult.check("cuDevicePrimaryCtxRetain", (int) primaryCtxRetain.invokeExact(out, device));
      return out.get(ValueLayout.ADDRESS, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Releases one retain of the device's primary context. */
  public void releasePrimaryContext(int device) {
    try {
      CuResult.check("cuDevicePrimaryCtxRelease", (int) primaryCtxRelease.invokeExact(device));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Makes {@code context} current on the calling thread. */
  public void setCurrentContext(MemorySegment context) {
    try {
      CuResult.check("cuCtxSetCurrent", (int) ctxSetCurrent.invokeExact(context));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Waits for all work in the current context. */
  public void synchronizeContext() {
    try {
      CuResult.check("cuCtxSynchronize", (int) ctxSynchronize.invokeExact());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Allocates {@code bytes} of device memory in the current context. */
  public long malloc(long bytes) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(I64);
      CuResult.check("cuMemAlloc", (int) memAlloc.invokeExact(out, bytes));
      return out.get(ValueLayout.JAVA_LONG, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Frees device memory from {@link #malloc}. */
  public void free(long devicePointer) {
    try {
      CuResult.check("cuMemFree", (int) memFree.invokeExact(devicePointer));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Free and total device memory of the current context's device, in bytes. */
  public long[] memoryInfo() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment free = arena.allocate(I64);
      MemorySegment total = arena.allocate(I64);
      CuResult.check("cuMemGetInfo", (int) memGetInfo.invokeExact(free, total));
      return new long[] {free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0)};
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Copies {@code src} (host memory) to device memory on {@code stream}. From pageable memory the
   * driver stages the bytes before returning, so {@code src} may change right after.
   */
  public void copyToDevice(long dst, MemorySegment src, MemorySegment stream) {
    try {
      CuResult.check("cuMemcpyHtoDAsync",
          (int) memcpyHtoDAsync.invokeExact(dst, src, src.byteSize(), stream));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Copies device memory into {@code dst} (host memory) on {@code stream}; {@code dst} is complete
   * only once the stream is synchronised.
   */
  public void copyToHost(MemorySegment dst, long src, MemorySegment stream) {
    try {
      CuResult.check("cuMemcpyDtoHAsync",
          (int) memcpyDtoHAsync.invokeExact(dst, src, dst.byteSize(), stream));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Copies {@code bytes} between device buffers on {@code stream}. */
  public void copyOnDevice(long dst, long src, long bytes, MemorySegment stream) {
    try {
      CuResult.check("cuMemcpyDtoDAsync",
          (int) memcpyDtoDAsync.invokeExact(dst, src, bytes, stream));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Sets {@code bytes} bytes of device memory to {@code value} on {@code stream}. */
  public void fill(long dst, byte value, long bytes, MemorySegment stream) {
    try {
      CuResult.check("cuMemsetD8Async", (int) memsetD8Async.invokeExact(dst, value, bytes, stream));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Creates a stream with {@code flags} (e.g. {@link #STREAM_NON_BLOCKING}). */
  public MemorySegment createStream(int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(PTR);
      CuResult.check("cuStreamCreate", (int) streamCreate.invokeExact(out, flags));
      return out.get(ValueLayout.ADDRESS, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Destroys a stream once its work is done. */
  public void destroyStream(MemorySegment stream) {
    try {
      CuResult.check("cuStreamDestroy", (int) streamDestroy.invokeExact(stream));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Waits for all work queued on {@code stream}. */
  public void synchronize(MemorySegment stream) {
    try {
      CuResult.check("cuStreamSynchronize", (int) streamSynchronize.invokeExact(stream));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Creates an event (flags 0: with timing). */
  public MemorySegment createEvent(int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(PTR);
      CuResult.check("cuEventCreate", (int) eventCreate.invokeExact(out, flags));
      return out.get(ValueLayout.ADDRESS, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Records {@code event} on {@code stream}. */
  public void recordEvent(MemorySegment event, MemorySegment stream) {
    try {
      CuResult.check("cuEventRecord", (int) eventRecord.invokeExact(event, stream));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Waits until {@code event} has happened. */
  public void synchronizeEvent(MemorySegment event) {
    try {
      CuResult.check("cuEventSynchronize", (int) eventSynchronize.invokeExact(event));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Milliseconds between two recorded, completed events. */
  public float elapsedMillis(MemorySegment start, MemorySegment end) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT);
      CuResult.check("cuEventElapsedTime", (int) eventElapsedTime.invokeExact(out, start, end));
      return out.get(ValueLayout.JAVA_FLOAT, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Destroys an event. */
  public void destroyEvent(MemorySegment event) {
    try {
      CuResult.check("cuEventDestroy", (int) eventDestroy.invokeExact(event));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Loads a module from an image in host memory: PTX text (NUL-terminated), a cubin or a fatbin.
   * PTX is compiled by the driver's JIT for the current device.
   */
  public MemorySegment loadModule(MemorySegment image) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(PTR);
      CuResult.check("cuModuleLoadData", (int) moduleLoadData.invokeExact(out, image));
      return out.get(ValueLayout.ADDRESS, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Unloads a module. */
  public void unloadModule(MemorySegment module) {
    try {
      CuResult.check("cuModuleUnload", (int) moduleUnload.invokeExact(module));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The kernel {@code name} (an {@code extern "C"} entry) of a loaded module. */
  public MemorySegment function(MemorySegment module, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(PTR);
      int code = (int) moduleGetFunction.invokeExact(out, module, arena.allocateFrom(name));
      if (code != CuResult.SUCCESS) {
        throw new CudaException("cuModuleGetFunction", code, CuResult.name(code), name);
      }
      return out.get(ValueLayout.ADDRESS, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Queues a kernel on {@code stream}.
   *
   * @param parameters {@code void*[]}: one pointer per kernel parameter to its value
   */
  public void launch(MemorySegment function, int gridX, int blockX, int sharedBytes,
      MemorySegment stream, MemorySegment parameters) {
    try {
      CuResult.check("cuLaunchKernel", (int) launchKernel.invokeExact(function, gridX, 1, 1,
          blockX, 1, 1, sharedBytes, stream, parameters, MemorySegment.NULL));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  private static final class Holder {
    static final CudaDriver INSTANCE;
    static final Availability AVAILABILITY;

    static {
      CudaDriver driver = null;
      Availability availability;
      SharedLibrary library = SharedLibrary.open("libcuda.so.1 (the NVIDIA driver's CUDA library)",
          List.of("libcuda.so.1", "libcuda.so"), Pattern.compile("libcuda\\.so\\.\\d+(\\.\\d+)*"),
          SharedLibrary.searchDirectories());
      if (!library.isLoaded()) {
        availability = Availability.no(library.failure());
      } else {
        try {
          driver = new CudaDriver(library);
          driver.init();
          availability = Availability.yes("CUDA driver " + formatVersion(driver.driverVersion())
              + " from " + library.location());
        } catch (RuntimeException | LinkageError e) {
          driver = null;
          availability = Availability.no("libcuda from " + library.location()
              + " cannot be used: " + e.getMessage());
        }
      }
      INSTANCE = driver;
      AVAILABILITY = availability;
    }
  }

  private void init() {
    MethodHandle cuInit = bind("cuInit", FunctionDescriptor.of(I32, I32));
    try {
      CuResult.check("cuInit", (int) cuInit.invokeExact(0));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code 13000} as {@code 13.0}. */
  public static String formatVersion(int version) {
    return version / 1000 + "." + (version % 1000) / 10;
  }
}
