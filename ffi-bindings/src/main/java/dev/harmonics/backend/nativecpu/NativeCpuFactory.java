package dev.harmonics.backend.nativecpu;

import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.spi.KernelProviderFactory;

/**
 * Contributes {@link Backend#NATIVE_CPU} to {@link dev.harmonics.kernel.KernelProviders} (listed in
 * {@code META-INF/services}). Available when {@code libharmonics_native} loads; the reason
 * otherwise comes from {@link NativeKernels#availability()}.
 */
public final class NativeCpuFactory implements KernelProviderFactory {

  /** Called by {@link java.util.ServiceLoader}. */
  public NativeCpuFactory() {}

  @Override
  public Backend backend() {
    return Backend.NATIVE_CPU;
  }

  @Override
  public Availability availability() {
    Availability library = NativeKernels.availability();
    return library.available()
        ? Availability.yes(library.reason() + "; in C: " + NativeCpuProvider.NATIVE_KERNELS)
        : library;
  }

  @Override
  public KernelProvider create() {
    return new NativeCpuProvider(
        NativeKernels.load(), JavaKernels.provider(), SmallCalls.fromSystemProperty());
  }
}
