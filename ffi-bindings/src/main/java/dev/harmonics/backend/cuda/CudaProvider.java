package dev.harmonics.backend.cuda;

import dev.harmonics.backend.FixedKernelProvider;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.Residency;

/**
 * The CUDA backend: GEMM through cuBLAS, every other kernel from Harmonics' own PTX, on one device
 * with one stream and a pooled device memory. Obtain it with {@code
 * KernelProviders.of(Backend.CUDA)}; the device is chosen with {@code -Dharmonics.cuda.device=N}.
 */
public final class CudaProvider extends FixedKernelProvider {

  private final Device device;
  private final CudaResidency residency;

  CudaProvider(Device device) {
    CudaResidency residency = new CudaResidency(device);
    CallFactory calls = new CallFactory(device, residency);
    super(new CudaGemm(calls), new CudaQuant(calls), new CudaConv(calls), new CudaPool(calls),
        new CudaNorm(calls), new CudaActivation(calls), new CudaSoftmax(calls),
        new CudaLoss(calls), new CudaElementwise(calls), new CudaReduction(calls),
        new CudaLayout(calls), new CudaDropout(calls), new CudaEmbedding(calls),
        new CudaOptimizer(calls));
    this.device = device;
    this.residency = residency;
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
}
