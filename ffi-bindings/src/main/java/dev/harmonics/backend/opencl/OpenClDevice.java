package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClContext;
import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.ClKernel;
import dev.harmonics.ffi.opencl.ClProgram;
import dev.harmonics.ffi.opencl.OpenCl;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One device's context, programs, kernel objects, pinned tensors and kernel times, shared by a
 * provider's families. One lock serialises the kernel calls: OpenCL kernel objects hold their
 * arguments, so two threads must not set and launch the same one at once.
 */
final class OpenClDevice implements AutoCloseable {

  private final ClContext context;
  private final ProgramLoader loader;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Program, ClProgram> programs = new EnumMap<>(Program.class);
  private final Map<String, ClKernel> kernels = new HashMap<>();
  private final OpenClResidency residency;
  private final boolean usesDouble;
  private long lastCallNanos;
  private long totalNanos;
  private long launches;

  OpenClDevice(OpenCl cl, ClDevice device, ProgramLoader loader) {
    this.context = cl.createContext(device);
    this.loader = loader;
    this.residency = new OpenClResidency(context, lock);
    this.usesDouble = ProgramLoader.usesDouble(device);
  }

  /** Whether the programs were built to compute in double ({@code acc_t} is 8 bytes). */
  boolean usesDouble() {
    return usesDouble;
  }

  ClContext context() {
    return context;
  }

  ClDevice device() {
    return context.device();
  }

  ProgramLoader loader() {
    return loader;
  }

  OpenClResidency residency() {
    return residency;
  }

  ReentrantLock lock() {
    return lock;
  }

  /**
   * Runs one kernel call: {@code body} stages tensors and enqueues kernels; when it returns, the
   * outputs are downloaded. If it throws, nothing is copied back. The device lock is held
   * throughout.
   */
  void execute(Consumer<DeviceCall> body) {
    try (DeviceCall call = new DeviceCall(this)) {
      body.accept(call);
      call.complete();
    }
  }

  /** The kernel object {@code name} of {@code program}, loading the program on first use. */
  ClKernel kernel(Program program, String name) {
    String key = program.name() + "/" + name;
    ClKernel kernel = kernels.get(key);
    if (kernel == null) {
      kernel = program(program).kernel(name);
      kernels.put(key, kernel);
    }
    return kernel;
  }

  /** Loads (builds or reads) {@code program} now, so the first call does not pay for it. */
  ClProgram program(Program program) {
    lock.lock();
    try {
      return programs.computeIfAbsent(program, p -> loader.load(context, p));
    } finally {
      lock.unlock();
    }
  }

  void recordCall(long nanos, int launched) {
    lastCallNanos = nanos;
    totalNanos += nanos;
    launches += launched;
  }

  DeviceTimes times() {
    lock.lock();
    try {
      return new DeviceTimes(lastCallNanos, totalNanos, launches);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      kernels.values().forEach(ClKernel::close);
      kernels.clear();
      programs.values().forEach(ClProgram::close);
      programs.clear();
      residency.releaseAll();
      context.close();
    } finally {
      lock.unlock();
    }
  }
}
