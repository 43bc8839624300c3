package dev.harmonics.backend.opencl;

import dev.harmonics.backend.FixedKernelProvider;
import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.OpenCl;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.Residency;
import java.nio.file.Path;

/**
 * Every kernel family on one OpenCL device. Two flavours share this class: {@link Backend#OPENCL}
 * builds its programs from source (with a binary cache), {@link Backend#FPGA} only loads
 * offline-compiled binaries from a directory.
 *
 * <p>Tensors stay host tensors in the API. Unpinned ones are uploaded and downloaded on each call;
 * pinned ones ({@link #residency()}) stay in device buffers between calls. {@link #deviceTimes()}
 * gives the kernels' own time from profiling events.
 */
public final class OpenClProvider extends FixedKernelProvider implements AutoCloseable {

  private final Backend backend;
  private final OpenClDevice device;

  private OpenClProvider(Backend backend, OpenClDevice device, boolean tiledGemm) {
    super(new OpenClGemm(device, tiledGemm), new OpenClQuant(device), new OpenClConv(device),
        new OpenClPool(device), new OpenClNorm(device), new OpenClActivation(device),
        new OpenClSoftmax(device), new OpenClLoss(device), new OpenClElementwise(device),
        new OpenClReduction(device), new OpenClLayout(device), new OpenClDropout(device),
        new OpenClEmbedding(device), new OpenClOptimizer(device));
    this.backend = backend;
    this.device = device;
  }

  /** An {@link Backend#OPENCL} provider on {@code device}, building programs from source. */
  public static OpenClProvider fromSource(ClDevice device, Path cacheRoot) {
    return fromSource(device, cacheRoot, OpenClGemm.tiledFor(device.type()));
  }

  /** As {@link #fromSource(ClDevice, Path)}, choosing the GEMM kernel (tests run both on a CPU). */
  static OpenClProvider fromSource(ClDevice device, Path cacheRoot, boolean tiledGemm) {
    return new OpenClProvider(Backend.OPENCL,
        new OpenClDevice(OpenCl.load(), device, new SourceProgramLoader(cacheRoot)), tiledGemm);
  }

  /**
   * An {@link Backend#OPENCL} provider on the device {@code selector} names ({@code type[:index]},
   * e.g. {@code cpu:0}), with the default program cache: for tools and benchmarks that want a
   * device without going through {@link dev.harmonics.kernel.KernelProviders}.
   */
  public static OpenClProvider open(String selector) {
    return fromSource(DeviceSelector.parse(selector, "device").select(OpenCl.load().platforms()),
        SourceProgramLoader.defaultCacheRoot());
  }

  /** An {@link Backend#FPGA} provider on {@code device}, loading only binaries from a directory. */
  public static OpenClProvider fromBinaries(ClDevice device, Path binaries) {
    return new OpenClProvider(Backend.FPGA,
        new OpenClDevice(OpenCl.load(), device, new BinaryProgramLoader(binaries)),
        OpenClGemm.tiledFor(device.type()));
  }

  /** The device the kernels run on. */
  public ClDevice device() {
    return device.device();
  }

  /** Loads every program now (compiling or reading binaries) instead of on first use. */
  public OpenClProvider loadPrograms() {
    for (Program program : Program.values()) {
      device.program(program);
    }
    return this;
  }

  /** Device-side kernel time measured by profiling events. */
  public DeviceTimes deviceTimes() {
    return device.times();
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public String description() {
    return backend.id() + " on " + device.device().describe() + "; " + device.loader().describe()
        + (ProgramLoader.usesDouble(device.device()) ? "; sums in double" : "; sums in float");
  }

  @Override
  public Residency residency() {
    return device.residency();
  }

  /** Frees the device buffers, programs and context. */
  @Override
  public void close() {
    device.close();
  }
}
