package dev.harmonics.kernel;

import dev.harmonics.kernel.spi.KernelProviderFactory;

/**
 * A factory registered only on the test class path, so the service-loading path of
 * {@link KernelProviders} runs for real: it claims the FPGA backend and says it has no device.
 */
public final class UnavailableFpgaFactory implements KernelProviderFactory {

  static final String REASON = "test factory: no FPGA device in this test";

  @Override
  public Backend backend() {
    return Backend.FPGA;
  }

  @Override
  public Availability availability() {
    return Availability.no(REASON);
  }

  @Override
  public KernelProvider create() {
    throw new AssertionError("create() must not be called for an unavailable backend");
  }
}
