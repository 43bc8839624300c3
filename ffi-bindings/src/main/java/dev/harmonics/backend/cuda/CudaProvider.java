package dev.harmonics.backend.cuda;

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

/**
 * The CUDA backend: GEMM through cuBLAS, every other kernel from Harmonics' own PTX, on one device
 * with one stream and a pooled device memory. Obtain it with {@code
 * KernelProviders.of(Backend.CUDA)}; the device is chosen with {@code -Dharmonics.cuda.device=N}.
 */
public final class CudaProvider extends KernelProvider {

  private final Device device;
  private final CudaResidency residency;
  private final GemmKernels gemm;
  private final QuantKernels quant;
  private final ConvKernels conv;
  private final PoolKernels pool;
  private final NormKernels norm;
  private final ActivationKernels activations;
  private final SoftmaxKernels softmax;
  private final LossKernels losses;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final LayoutKernels layout;
  private final DropoutKernels dropout;
  private final EmbeddingKernels embedding;
  private final OptimizerKernels optimizers;

  CudaProvider(Device device) {
    this.device = device;
    this.residency = new CudaResidency(device);
    CallFactory calls = new CallFactory(device, residency);
    gemm = new CudaGemm(calls);
    quant = new CudaQuant(calls);
    conv = new CudaConv(calls);
    pool = new CudaPool(calls);
    norm = new CudaNorm(calls);
    activations = new CudaActivation(calls);
    softmax = new CudaSoftmax(calls);
    losses = new CudaLoss(calls);
    elementwise = new CudaElementwise(calls);
    reductions = new CudaReduction(calls);
    layout = new CudaLayout(calls);
    dropout = new CudaDropout(calls);
    embedding = new CudaEmbedding(calls);
    optimizers = new CudaOptimizer(calls);
  }

  @Override
  public Backend backend() {
    return Backend.CUDA;
  }

  @Override
  public String description() {
    return "cuda: device " + device.ordinal() + " " + device.description()
        + ", cuBLAS GEMM, Harmonics PTX kernels";
  }

  @Override
  public Residency residency() {
    return residency;
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
}
