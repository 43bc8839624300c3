package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.OpenCl;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.LossKernels;
import dev.harmonics.kernel.NormKernels;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.kernel.Residency;
import dev.harmonics.kernel.SoftmaxKernels;
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
public final class OpenClProvider extends KernelProvider implements AutoCloseable {

  private final Backend backend;
  private final OpenClDevice device;
  private final GemmKernels gemm;
  private final QuantKernels quant;
  private final ActivationKernels activations;
  private final SoftmaxKernels softmax;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final LossKernels losses;
  private final OptimizerKernels optimizers;
  private final LayoutKernels layout;
  private final DropoutKernels dropout;
  private final EmbeddingKernels embedding;
  private final NormKernels norm;
  private final PoolKernels pool;
  private final ConvKernels conv;

  private OpenClProvider(Backend backend, OpenClDevice device, boolean tiledGemm) {
    this.backend = backend;
    this.device = device;
    this.gemm = new OpenClGemm(device, tiledGemm);
    this.quant = new OpenClQuant(device);
    this.activations = new OpenClActivation(device);
    this.softmax = new OpenClSoftmax(device);
    this.elementwise = new OpenClElementwise(device);
    this.reductions = new OpenClReduction(device);
    this.losses = new OpenClLoss(device);
    this.optimizers = new OpenClOptimizer(device);
    this.layout = new OpenClLayout(device);
    this.dropout = new OpenClDropout(device);
    this.embedding = new OpenClEmbedding(device);
    this.norm = new OpenClNorm(device);
    this.pool = new OpenClPool(device);
    this.conv = new OpenClConv(device);
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

  @Override
  public GemmKernels gemm() {
    return gemm;
  }

  @Override
  public QuantKernels quant() {
    return quant;
  }

  @Override
  public ConvKernels conv() {
    return conv;
  }

  @Override
  public PoolKernels pool() {
    return pool;
  }

  @Override
  public NormKernels norm() {
    return norm;
  }

  @Override
  public ActivationKernels activations() {
    return activations;
  }

  @Override
  public SoftmaxKernels softmax() {
    return softmax;
  }

  @Override
  public LossKernels losses() {
    return losses;
  }

  @Override
  public ElementwiseKernels elementwise() {
    return elementwise;
  }

  @Override
  public ReductionKernels reductions() {
    return reductions;
  }

  @Override
  public LayoutKernels layout() {
    return layout;
  }

  @Override
  public DropoutKernels dropout() {
    return dropout;
  }

  @Override
  public EmbeddingKernels embedding() {
    return embedding;
  }

  @Override
  public OptimizerKernels optimizers() {
    return optimizers;
  }

  /** Frees the device buffers, programs and context. */
  @Override
  public void close() {
    device.close();
  }
}
