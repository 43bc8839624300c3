package dev.harmonics.kernel.spi;

import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;

/**
 * How a module outside kernels-java contributes a backend: list the implementation in
 * {@code META-INF/services/dev.harmonics.kernel.spi.KernelProviderFactory}.
 *
 * <p>{@link #availability()} must be cheap after its first call and must not throw: a missing
 * native library or device is an unavailable backend with the reason, never an error.
 */
public interface KernelProviderFactory {

  /** The backend this factory provides; never AUTO, SIMD or REFERENCE. */
  Backend backend();

  /** Whether the backend can run here (library loaded, device present), with the reason. */
  Availability availability();

  /** The provider; called only when {@link #availability()} said yes. Called at most once. */
  KernelProvider create();
}
