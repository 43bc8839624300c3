package dev.harmonics.backend;

import dev.harmonics.kernel.ActivationKernels;
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
 * A {@link KernelProvider} whose kernel families are fixed when it is built: the plumbing the
 * device backends (CUDA, OpenCL) share, so each states only its backend, description and residency.
 */
public abstract class FixedKernelProvider extends KernelProvider {

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

  /** The families in the order {@link KernelProvider} declares them. */
  protected FixedKernelProvider(GemmKernels gemm, QuantKernels quant, ConvKernels conv,
      PoolKernels pool, NormKernels norm, ActivationKernels activations, SoftmaxKernels softmax,
      LossKernels losses, ElementwiseKernels elementwise, ReductionKernels reductions,
      LayoutKernels layout, DropoutKernels dropout, EmbeddingKernels embedding,
      OptimizerKernels optimizers) {
    this.gemm = gemm;
    this.quant = quant;
    this.conv = conv;
    this.pool = pool;
    this.norm = norm;
    this.activations = activations;
    this.softmax = softmax;
    this.losses = losses;
    this.elementwise = elementwise;
    this.reductions = reductions;
    this.layout = layout;
    this.dropout = dropout;
    this.embedding = embedding;
    this.optimizers = optimizers;
  }

  @Override
  public final GemmKernels gemm() {
    return gemm;
  }

  @Override
  public final QuantKernels quant() {
    return quant;
  }

  @Override
  public final ConvKernels conv() {
    return conv;
  }

  @Override
  public final PoolKernels pool() {
    return pool;
  }

  @Override
  public final NormKernels norm() {
    return norm;
  }

  @Override
  public final ActivationKernels activations() {
    return activations;
  }

  @Override
  public final SoftmaxKernels softmax() {
    return softmax;
  }

  @Override
  public final LossKernels losses() {
    return losses;
  }

  @Override
  public final ElementwiseKernels elementwise() {
    return elementwise;
  }

  @Override
  public final ReductionKernels reductions() {
    return reductions;
  }

  @Override
  public final LayoutKernels layout() {
    return layout;
  }

  @Override
  public final DropoutKernels dropout() {
    return dropout;
  }

  @Override
  public final EmbeddingKernels embedding() {
    return embedding;
  }

  @Override
  public final OptimizerKernels optimizers() {
    return optimizers;
  }
}
