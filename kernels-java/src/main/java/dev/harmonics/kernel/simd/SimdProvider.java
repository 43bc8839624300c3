package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.kernel.NormKernels;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.kernel.SoftmaxKernels;
import dev.harmonics.kernel.LossKernels;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;

/**
 * The Vector API kernels. Loaded by name, and only after {@code KernelProviders} has checked that
 * the incubator module is readable; nothing outside this package touches the Vector API.
 */
public final class SimdProvider extends KernelProvider {
  private final GemmKernels gemm = new SimdGemm();
  private final QuantKernels quant = new SimdQuant();
  private final ConvKernels conv = new SimdConv();
  private final PoolKernels pool = new SimdPool();
  private final NormKernels norm = new SimdNorm();
  private final ActivationKernels activations = new SimdActivation();
  private final SoftmaxKernels softmax = new SimdSoftmax();
  private final LossKernels losses = new SimdLoss();
  private final ElementwiseKernels elementwise = new SimdElementwise();
  private final ReductionKernels reductions = new SimdReduction();
  private final LayoutKernels layout = new SimdLayout();
  private final DropoutKernels dropout = new SimdDropout();
  private final EmbeddingKernels embedding = new SimdEmbedding();
  private final OptimizerKernels optimizers = new SimdOptimizer();

  /** Fails with the reason when this JVM's vectors are unusable (too narrow, bad property). */
  public SimdProvider() {
    if (SimdSpecies.LANES < 4) {
      throw new UnsupportedOperationException(
          "only " + SimdSpecies.LANES + " float lanes per vector");
    }
  }

  @Override
  public Backend backend() {
    return Backend.SIMD;
  }

  @Override
  public String description() {
    return "simd: " + SimdSpecies.describe() + ", " + KernelPool.shared().parallelism()
        + " threads";
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
