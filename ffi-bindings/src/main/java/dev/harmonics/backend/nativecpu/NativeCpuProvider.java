package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
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
import dev.harmonics.kernel.SoftmaxKernels;

/**
 * The native CPU backend: Harmonics' C kernels ({@code libharmonics_native}, through FFM) for the
 * hot kernels, the Java backend (SIMD, or the reference where SIMD cannot run) for the rest.
 *
 * <p>In C: GEMM and batched matmul (with the bias and ReLU-family epilogue), int8 GEMM, ReLU /
 * leaky ReLU / scalar PReLU forward and backward, softmax and log-softmax over the last axis,
 * layer norm forward, SGD and Adam; a batch-1 1x1 convolution runs as one C GEMM ({@link
 * NativeConv}). Everything else, and every family not named, is the Java
 * backend's, and so are the calls of those kernels too small to pay for a downcall ({@link
 * SmallCalls}). {@link #description()} says the same, with the ISA level in use.
 */
final class NativeCpuProvider extends KernelProvider {

  /** The kernels served in C, for {@link #description()} and the documentation. */
  static final String NATIVE_KERNELS = "gemm, batched matmul, int8 gemm, relu/leaky relu, "
      + "sigmoid/tanh/gelu-tanh forward, same-shape add, last-axis softmax, layer norm forward, "
      + "sgd, adam, batch-1 1x1 conv (as one gemm)";

  private final NativeKernels nk;
  private final KernelProvider java;
  private final SmallCalls small;
  private final GemmKernels gemm;
  private final ConvKernels conv;
  private final QuantKernels quant;
  private final ActivationKernels activations;
  private final ElementwiseKernels elementwise;
  private final SoftmaxKernels softmax;
  private final NormKernels norm;
  private final OptimizerKernels optimizers;

  /**
   * @param small which calls of the element-wise, softmax, norm and optimizer kernels are too
   *     small for a downcall and run on {@code java} instead
   */
  NativeCpuProvider(NativeKernels nk, KernelProvider java, SmallCalls small) {
    this.nk = nk;
    this.java = java;
    this.small = small;
    NativeGemm nativeGemm = new NativeGemm(nk, java);
    this.gemm = nativeGemm;
    this.conv = new NativeConv(nativeGemm, java.conv());
    this.quant = new NativeQuant(nk, java);
    this.activations = new NativeActivations(nk, java, small);
    this.elementwise = new NativeElementwise(nk, java, small);
    this.softmax = new NativeSoftmax(nk, java, small);
    this.norm = new NativeNorm(nk, java, small);
    this.optimizers = new NativeOptimizers(nk, java, small);
  }

  @Override
  public Backend backend() {
    return Backend.NATIVE_CPU;
  }

  @Override
  public String description() {
    return "native-cpu (libharmonics_native, ISA " + nk.activeIsa().id() + ": " + NATIVE_KERNELS
        + "; small calls " + small.describe() + "; everything else on " + java.backend().id()
        + ")";
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
    return java.pool();
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
    return java.losses();
  }

  @Override
  public ElementwiseKernels elementwise() {
    return elementwise;
  }

  @Override
  public ReductionKernels reductions() {
    return java.reductions();
  }

  @Override
  public LayoutKernels layout() {
    return java.layout();
  }

  @Override
  public DropoutKernels dropout() {
    return java.dropout();
  }

  @Override
  public EmbeddingKernels embedding() {
    return java.embedding();
  }

  @Override
  public OptimizerKernels optimizers() {
    return optimizers;
  }
}
