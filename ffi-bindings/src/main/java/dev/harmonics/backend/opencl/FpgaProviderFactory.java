package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.DeviceType;
import dev.harmonics.ffi.opencl.OpenCl;
import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.spi.KernelProviderFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@link Backend#FPGA} backend: the OpenCL device named by {@code -Dharmonics.fpga.device}
 * (default {@code accelerator:0}, the type FPGA boards report) running only the offline-compiled
 * binaries in {@code -Dharmonics.fpga.binaries=DIR} (see {@link FpgaBinaryBuilder}).
 *
 * <p>The device is looked up once; the binary directory is checked on every call, since a build
 * may write it after start-up (a handful of file checks).
 */
public final class FpgaProviderFactory implements KernelProviderFactory {

  /** System property selecting the device, {@code type[:index]}. */
  public static final String DEVICE_PROPERTY = "harmonics.fpga.device";
  /** System property naming the directory of program binaries. */
  public static final String BINARIES_PROPERTY = "harmonics.fpga.binaries";

  private volatile Availability deviceAvailability;
  private volatile ClDevice device;

  @Override
  public Backend backend() {
    return Backend.FPGA;
  }

  @Override
  public Availability availability() {
    Availability found = deviceAvailability;
    if (found == null) {
      found = probeDevice();
      deviceAvailability = found;
    }
    if (!found.available()) {
      return found;
    }
    String dir = System.getProperty(BINARIES_PROPERTY);
    if (dir == null || dir.isBlank()) {
      return Availability.no("no FPGA program binaries configured: set -D" + BINARIES_PROPERTY
          + "=DIR (device " + device.describe() + ")");
    }
    List<String> problems = BinaryProgramLoader.problems(Path.of(dir.trim()));
    if (!problems.isEmpty()) {
      return Availability.no("FPGA binaries in " + dir + " cannot be used on "
          + device.describe() + ": " + String.join("; ", problems));
    }
    return Availability.yes(device.describe() + ", binaries from " + dir);
  }

  private Availability probeDevice() {
    Availability library = OpenCl.availability();
    if (!library.available()) {
      return library;
    }
    try {
      String configured = System.getProperty(DEVICE_PROPERTY);
      DeviceSelector selector = configured == null || configured.isBlank()
          ? new DeviceSelector(List.of(DeviceType.ACCELERATOR), 0)
          : DeviceSelector.parse(configured, DEVICE_PROPERTY);
      device = selector.select(OpenCl.load().platforms());
      return Availability.yes(device.describe());
    } catch (RuntimeException e) {
      return Availability.no(e.getMessage() + (System.getProperty(DEVICE_PROPERTY) == null
          ? "; choose a device with -D" + DEVICE_PROPERTY + "=type:index" : ""));
    }
  }

  @Override
  public KernelProvider create() {
    Availability now = availability();
    if (!now.available()) {
      throw new UnsupportedOperationException(now.reason());
    }
    return OpenClProvider.fromBinaries(device, Path.of(System.getProperty(BINARIES_PROPERTY)
        .trim()));
  }
}
