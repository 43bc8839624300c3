package dev.harmonics.backend.cuda;

import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.spi.KernelProviderFactory;

/**
 * Registers the CUDA backend with {@code KernelProviders} (listed in {@code META-INF/services}).
 * Unavailable, with the reason, where there is no {@code libcuda.so.1}, no device, no cuBLAS or no
 * kernel images, so {@code Backend.AUTO} falls through to the next backend.
 */
public final class CudaProviderFactory implements KernelProviderFactory {

  private volatile Availability availability;

  /** Called by {@link java.util.ServiceLoader}. */
  public CudaProviderFactory() {}

  @Override
  public Backend backend() {
    return Backend.CUDA;
  }

  @Override
  public Availability availability() {
    Availability known = availability;
    if (known == null) {
      try {
        known = CudaAvailability.check();
      } catch (RuntimeException | LinkageError e) {
        known = Availability.no("the CUDA backend failed to start: " + e);
      }
      availability = known;
    }
    return known;
  }

  @Override
  public KernelProvider create() {
    return new CudaProvider(CudaDevice.open(CudaAvailability.requestedDevice()));
  }
}
