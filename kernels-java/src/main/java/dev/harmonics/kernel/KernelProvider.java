package dev.harmonics.kernel;

/**
 * One backend's complete kernel set, grouped by family. Obtain one from {@link KernelProviders}.
 */
public abstract class KernelProvider {

  protected KernelProvider() {}

  /** Which backend this is. */
  public abstract Backend backend();

  /** A one-line description for logs and {@code harmonics info} (species, threads, ...). */
  public abstract String description();

  public abstract GemmKernels gemm();

  public abstract QuantKernels quant();

  public abstract ConvKernels conv();

  public abstract PoolKernels pool();

  public abstract NormKernels norm();

  public abstract ActivationKernels activations();

  public abstract SoftmaxKernels softmax();

  public abstract LossKernels losses();

  public abstract ElementwiseKernels elementwise();

  public abstract ReductionKernels reductions();

  public abstract LayoutKernels layout();

  public abstract DropoutKernels dropout();

  public abstract EmbeddingKernels embedding();

  public abstract OptimizerKernels optimizers();

  /**
   * Where this backend keeps tensors between calls; {@link Residency#HOST} (nothing to move) unless
   * the backend computes on a device.
   */
  public Residency residency() {
    return Residency.HOST;
  }

}
