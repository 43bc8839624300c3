package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.DeviceType;
import dev.harmonics.ffi.opencl.OpenCl;
import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.spi.KernelProviderFactory;
import java.util.List;

/**
 * The {@link Backend#OPENCL} backend: the device named by {@code -Dharmonics.opencl.device} (e.g.
 * {@code gpu:0}, {@code cpu:0}); by default the first GPU, else the first accelerator. A CPU device
 * is used only when asked for, since the SIMD backend is the better choice for a CPU by default.
 */
public final class OpenClProviderFactory implements KernelProviderFactory {

  /** System property selecting the device, {@code type[:index]}. */
  public static final String DEVICE_PROPERTY = "harmonics.opencl.device";

  private volatile Availability availability;
  private volatile ClDevice device;

  @Override
  public Backend backend() {
    return Backend.OPENCL;
  }

  @Override
  public Availability availability() {
    Availability known = availability;
    if (known == null) {
      known = probe();
      availability = known;
    }
    return known;
  }

  private Availability probe() {
    Availability library = OpenCl.availability();
    if (!library.available()) {
      return library;
    }
    try {
      ClDevice chosen = selector().select(OpenCl.load().platforms());
      device = chosen;
      return Availability.yes(chosen.describe());
    } catch (RuntimeException e) {
      return Availability.no(e.getMessage() + hint());
    }
  }

  private static String hint() {
    return System.getProperty(DEVICE_PROPERTY) == null
        ? "; choose a device with -D" + DEVICE_PROPERTY + "=cpu:0 (or gpu:N, accelerator:N, all:N)"
        : "";
  }

  static DeviceSelector selector() {
    String configured = System.getProperty(DEVICE_PROPERTY);
    return configured == null || configured.isBlank()
        ? new DeviceSelector(List.of(DeviceType.GPU, DeviceType.ACCELERATOR), 0)
        : DeviceSelector.parse(configured, DEVICE_PROPERTY);
  }

  @Override
  public KernelProvider create() {
    if (!availability().available()) {
      throw new UnsupportedOperationException(availability().reason());
    }
    return OpenClProvider.fromSource(device, SourceProgramLoader.defaultCacheRoot());
  }
}
