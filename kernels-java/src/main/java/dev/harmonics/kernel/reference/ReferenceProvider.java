package dev.harmonics.kernel.reference;

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
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;

/** The plain-Java kernels: obviously correct, the oracle of every conformance test. */
public final class ReferenceProvider extends KernelProvider {
  private final GemmKernels gemm = new ReferenceGemm();
  private final QuantKernels quant = new ReferenceQuant();
  private final ConvKernels conv = new ReferenceConv();
  private final PoolKernels pool = new ReferencePool();
  private final NormKernels norm = new ReferenceNorm();
  private final ActivationKernels activations = new ReferenceActivation();
  private final SoftmaxKernels softmax = new ReferenceSoftmax();
  private final LossKernels losses = new ReferenceLoss();
  private final ElementwiseKernels elementwise = new ReferenceElementwise();
  private final ReductionKernels reductions = new ReferenceReduction();
  private final LayoutKernels layout = new ReferenceLayout();
  private final DropoutKernels dropout = new ReferenceDropout();
  private final EmbeddingKernels embedding = new ReferenceEmbedding();
  private final OptimizerKernels optimizers = new ReferenceOptimizer();

  @Override
  public Backend backend() {
    return Backend.REFERENCE;
  }

  @Override
  public String description() {
    return "reference: plain Java, single-threaded";
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
