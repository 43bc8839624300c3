package dev.harmonics.kernel;

import dev.harmonics.tensor.Tensor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test provider that serves another provider's kernels unchanged and counts the calls that
 * reach its int8 kernels, to prove a code path really runs on them. It lives in the kernel package
 * because the backends' implementation methods are protected there.
 */
public final class CountingQuantProvider extends KernelProvider {

  private final KernelProvider delegate;
  private final AtomicLong gemmInt8Calls = new AtomicLong();
  private final AtomicLong quantizeCalls = new AtomicLong();
  private final QuantKernels quant;

  /** Counts the int8 kernel calls made through {@code delegate}. */
  public CountingQuantProvider(KernelProvider delegate) {
    this.delegate = delegate;
    QuantKernels real = delegate.quant();
    this.quant = new QuantKernels() {
      @Override
      protected void doQuantize(Tensor x, float scale, int zeroPoint, Tensor q) {
        quantizeCalls.incrementAndGet();
        real.doQuantize(x, scale, zeroPoint, q);
      }

      @Override
      protected void doDequantize(Tensor q, float scale, int zeroPoint, Tensor x) {
        real.doDequantize(q, scale, zeroPoint, x);
      }

      @Override
      protected void doGemmInt8(int m, int n, int k, Tensor a, Tensor b, Tensor c) {
        gemmInt8Calls.incrementAndGet();
        real.doGemmInt8(m, n, k, a, b, c);
      }
    };
  }

  /** Calls that reached the int8 GEMM kernel. */
  public long gemmInt8Calls() {
    return gemmInt8Calls.get();
  }

  /** Calls that reached the quantize kernel. */
  public long quantizeCalls() {
    return quantizeCalls.get();
  }

  @Override
  public Backend backend() {
    return delegate.backend();
  }

  @Override
  public String description() {
    return delegate.description() + " (counting int8 calls)";
  }

  @Override
  public GemmKernels gemm() {
    return delegate.gemm();
  }

  @Override
  public QuantKernels quant() {
    return quant;
  }

  @Override
  public ConvKernels conv() {
    return delegate.conv();
  }

  @Override
  public PoolKernels pool() {
    return delegate.pool();
  }

  @Override
  public NormKernels norm() {
    return delegate.norm();
  }

  @Override
  public ActivationKernels activations() {
    return delegate.activations();
  }

  @Override
  public SoftmaxKernels softmax() {
    return delegate.softmax();
  }

  @Override
  public LossKernels losses() {
    return delegate.losses();
  }

  @Override
  public ElementwiseKernels elementwise() {
    return delegate.elementwise();
  }

  @Override
  public ReductionKernels reductions() {
    return delegate.reductions();
  }

  @Override
  public LayoutKernels layout() {
    return delegate.layout();
  }

  @Override
  public DropoutKernels dropout() {
    return delegate.dropout();
  }

  @Override
  public EmbeddingKernels embedding() {
    return delegate.embedding();
  }

  @Override
  public OptimizerKernels optimizers() {
    return delegate.optimizers();
  }
}
