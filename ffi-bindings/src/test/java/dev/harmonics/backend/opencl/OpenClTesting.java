package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.OpenCl;
import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL and FPGA providers the tests run, on the device the build configures (the first one:
 * {@code -Dharmonics.opencl.device=all:0} in ffi-bindings' pom; PoCL's CPU device here). Tests are
 * skipped, with the reason, only when OpenCL itself is missing (no loader or no platform; install
 * {@code pocl-opencl-icd} to run them); a platform whose configured device cannot be used fails.
 */
final class OpenClTesting {

  private static boolean binariesBuilt;

  private OpenClTesting() {}

  /** The {@link Backend#OPENCL} provider, or the test is skipped saying why there is none. */
  static OpenClProvider openCl() {
    return (OpenClProvider) provider(Backend.OPENCL);
  }

  /**
   * The {@link Backend#FPGA} provider running binaries that PoCL built offline into {@code
   * -Dharmonics.fpga.binaries} (built once per test JVM, before the first use).
   */
  static OpenClProvider fpga() {
    assumeOpenCl();
    buildBinaries();
    return (OpenClProvider) provider(Backend.FPGA);
  }

  static void assumeOpenCl() {
    Availability openCl = OpenCl.availability();
    Assumptions.assumeTrue(openCl.available(), () -> "no OpenCL platform to test on: "
        + openCl.reason());
  }

  private static KernelProvider provider(Backend backend) {
    assumeOpenCl();
    Availability availability = KernelProviders.availability(backend);
    if (!availability.available()) {
      throw new AssertionError("OpenCL works but the " + backend.id() + " backend does not: "
          + availability.reason());
    }
    return KernelProviders.of(backend);
  }

  private static synchronized void buildBinaries() {
    if (binariesBuilt) {
      return;
    }
    String dir = System.getProperty(FpgaProviderFactory.BINARIES_PROPERTY);
    String selector = System.getProperty(FpgaProviderFactory.DEVICE_PROPERTY, "all:0");
    if (dir == null) {
      throw new AssertionError("the build sets -D" + FpgaProviderFactory.BINARIES_PROPERTY);
    }
    try {
      ClDevice device = FpgaBinaryBuilder.device(selector);
      FpgaBinaryBuilder.build(device, Path.of(dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    binariesBuilt = true;
  }
}
