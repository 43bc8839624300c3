package dev.harmonics.backend.cuda;

import dev.harmonics.ffi.cuda.CuResult;
import dev.harmonics.ffi.cuda.Cublas;
import dev.harmonics.ffi.cuda.CudaDriver;
import dev.harmonics.ffi.cuda.CudaException;
import dev.harmonics.ffi.cuda.Nvrtc;
import dev.harmonics.kernel.TransferStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One GPU as the backend uses it: its primary context, one non-blocking stream on which every
 * copy, kernel and cuBLAS call is queued (so they run in order without host synchronisation), a
 * cuBLAS handle on that stream, the memory pool, the loaded kernel modules and the transfer
 * counters. Calls are serialised by a lock; each makes the context current on its thread first.
 */
final class CudaDevice implements Device {

  static final int THREADS_PER_BLOCK = 256;
  /** Grid-stride kernels need no more blocks than this to fill any current GPU. */
  static final int MAX_BLOCKS = 1 << 16;
  private static final System.Logger LOG = System.getLogger(CudaDevice.class.getName());

  private final CudaDriver driver;
  private final Cublas cublas;
  private final int ordinal;
  private final String name;
  private final int major;
  private final int minor;
  private final MemorySegment context;
  private final MemorySegment stream;
  private final MemorySegment cublasHandle;
  private final DeviceMemoryPool pool;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<KernelModule, MemorySegment> modules = new EnumMap<>(KernelModule.class);
  private final Map<String, MemorySegment> functions = new HashMap<>();
  private final AtomicLong hostToDeviceBytes = new AtomicLong();
  private final AtomicLong hostToDeviceCalls = new AtomicLong();
  private final AtomicLong deviceToHostBytes = new AtomicLong();
  private final AtomicLong deviceToHostCalls = new AtomicLong();

  private CudaDevice(CudaDriver driver, Cublas cublas, int ordinal) {
    this.driver = driver;
    this.cublas = cublas;
    this.ordinal = ordinal;
    int device = driver.device(ordinal);
    this.name = driver.deviceName(device);
    this.major = driver.deviceAttribute(device, CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    this.minor = driver.deviceAttribute(device, CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    this.context = driver.retainPrimaryContext(device);
    driver.setCurrentContext(context);
    this.stream = driver.createStream(CudaDriver.STREAM_NON_BLOCKING);
    this.cublasHandle = cublas.createHandle();
    cublas.setStream(cublasHandle, stream);
    this.pool = new DeviceMemoryPool(new DriverAllocator(driver));
  }

  /** Opens device {@code ordinal}: retains its primary context and creates the stream. */
  static CudaDevice open(int ordinal) {
    return new CudaDevice(CudaDriver.load(), Cublas.load(), ordinal);
  }

  @Override
  public void enter() {
    lock.lock();
    try {
      driver.setCurrentContext(context);
    } catch (RuntimeException e) {
      lock.unlock();
      throw e;
    }
  }

  @Override
  public void exit() {
    lock.unlock();
  }

  @Override
  public DeviceMemoryPool pool() {
    return pool;
  }

  @Override
  public int ordinal() {
    return ordinal;
  }

  @Override
  public String description() {
    return name + " (sm_" + major + minor + ")";
  }

  @Override
  public void launch(KernelModule module, String entry, int blocks, Object... arguments) {
    try (Arena arena = Arena.ofConfined()) {
      driver.launch(function(module, entry), blocks, THREADS_PER_BLOCK, 0, stream,
          KernelArguments.pack(arena, arguments));
    }
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a,
      int lda, long b, int ldb, float beta, long c, int ldc) {
    cublas.sgemm(cublasHandle, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  @Override
  public void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k,
      float alpha, long a, int lda, long strideA, long b, int ldb, long strideB, float beta,
      long c, int ldc, long strideC, int batch) {
    cublas.sgemmStridedBatched(cublasHandle, transA, transB, m, n, k, alpha, a, lda, strideA, b,
        ldb, strideB, beta, c, ldc, strideC, batch);
  }

  /** Through native staging memory for heap segments. */
  @Override
  public void upload(long dst, MemorySegment host) {
    if (host.isNative()) {
      driver.copyToDevice(dst, host, stream);
    } else {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment staging = arena.allocate(host.byteSize(), 16);
        staging.copyFrom(host);
        driver.copyToDevice(dst, staging, stream);
      }
    }
    hostToDeviceBytes.addAndGet(host.byteSize());
    hostToDeviceCalls.incrementAndGet();
  }

  /** Through native staging memory for heap segments. */
  @Override
  public void download(MemorySegment host, long src) {
    if (host.isNative()) {
      driver.copyToHost(host, src, stream);
      driver.synchronize(stream);
    } else {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment staging = arena.allocate(host.byteSize(), 16);
        driver.copyToHost(staging, src, stream);
        driver.synchronize(stream);
        host.copyFrom(staging);
      }
    }
    deviceToHostBytes.addAndGet(host.byteSize());
    deviceToHostCalls.incrementAndGet();
  }

  @Override
  public TransferStats transfers() {
    return new TransferStats(hostToDeviceBytes.get(), hostToDeviceCalls.get(),
        deviceToHostBytes.get(), deviceToHostCalls.get());
  }

  /** The kernel {@code entry} of {@code module}, loading the module on first use. */
  private MemorySegment function(KernelModule module, String entry) {
    String key = module.fileStem() + "/" + entry;
    MemorySegment f = functions.get(key);
    if (f == null) {
      MemorySegment loaded = modules.computeIfAbsent(module, this::loadModule);
      f = driver.function(loaded, entry);
      functions.put(key, f);
    }
    return f;
  }

  /**
   * Loads a module from the best prebuilt image the driver accepts, else from its source through
   * NVRTC; the error lists every attempt.
   */
  private MemorySegment loadModule(KernelModule module) {
    List<String> attempts = new ArrayList<>();
    for (String file : KernelImages.candidates(module.fileStem(), major, minor)) {
      var image = KernelSources.read(file);
      if (image.isEmpty()) {
        attempts.add(file + ": not found");
        continue;
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment bytes = arena.allocate(image.get().length + 1L);
        MemorySegment.copy(image.get(), 0, bytes, ValueLayout.JAVA_BYTE, 0, image.get().length);
        MemorySegment loaded = driver.loadModule(bytes);
        LOG.log(System.Logger.Level.DEBUG, "CUDA module " + file + " loaded on " + name);
        return loaded;
      } catch (CudaException rejected) {
        attempts.add(file + ": " + rejected.getMessage());
      }
    }
    return compileModule(module, attempts);
  }

  private MemorySegment compileModule(KernelModule module, List<String> attempts) {
    String sourceName = module.fileStem() + ".cu";
    if (KernelSources.read(sourceName).isEmpty()) {
      attempts.add(sourceName + ": not found");
    } else if (!Nvrtc.availability().available()) {
      attempts.add("NVRTC: " + Nvrtc.availability().reason());
    } else {
      String ptx = KernelCompiler.ptx(Nvrtc.load(), module, major, minor, KernelSources::read);
      try (Arena arena = Arena.ofConfined()) {
        LOG.log(System.Logger.Level.INFO, "CUDA module " + sourceName + " compiled by NVRTC for "
            + "compute_" + major + minor);
        return driver.loadModule(arena.allocateFrom(ptx));
      }
    }
    throw new CudaException("cuModuleLoadData", CuResult.NO_BINARY_FOR_GPU,
        CuResult.name(CuResult.NO_BINARY_FOR_GPU), "no usable image of CUDA module "
        + module.fileStem() + " for " + name + " (sm_" + major + minor + ") in "
        + KernelSources.describe() + "; tried " + attempts);
  }

  /** The device allocator behind the pool: cuMemAlloc and cuMemFree. */
  private record DriverAllocator(CudaDriver driver) implements DeviceAllocator {
    @Override
    public long allocate(long bytes) {
      return driver.malloc(bytes);
    }

    @Override
    public void free(long pointer) {
      driver.free(pointer);
    }

    @Override
    public boolean isOutOfMemory(RuntimeException failure) {
      return failure instanceof CudaException e && e.code() == CuResult.OUT_OF_MEMORY;
    }
  }
}
