package dev.harmonics.backend.cuda;

import dev.harmonics.ffi.cuda.Cublas;
import dev.harmonics.ffi.cuda.CudaDriver;
import dev.harmonics.ffi.cuda.Nvrtc;
import dev.harmonics.kernel.Availability;

/**
 * Whether the CUDA backend can run here, checked in the order a user fixes things: the driver
 * library, a device, the requested device index, cuBLAS, and kernel images (prebuilt PTX on the
 * class path, or NVRTC with the sources).
 */
final class CudaAvailability {

  static final String DEVICE_PROPERTY = "harmonics.cuda.device";

  private CudaAvailability() {}

  /** The device index {@code -Dharmonics.cuda.device} asks for (default 0), or -1 if malformed. */
  static int requestedDevice() {
    String value = System.getProperty(DEVICE_PROPERTY, "0").trim();
    try {
      int index = Integer.parseInt(value);
      return index >= 0 ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static Availability check() {
    Availability driver = CudaDriver.availability();
    if (!driver.available()) {
      return driver;
    }
    int count;
    try {
      count = CudaDriver.load().deviceCount();
    } catch (RuntimeException e) {
      return Availability.no("no CUDA device: " + e.getMessage());
    }
    if (count == 0) {
      return Availability.no("no CUDA device (the driver reports none)");
    }
    int index = requestedDevice();
    if (index < 0) {
      return Availability.no("-D" + DEVICE_PROPERTY + "=" + System.getProperty(DEVICE_PROPERTY)
          + " is not a device index (expected 0 to " + (count - 1) + ")");
    }
    if (index >= count) {
      return Availability.no("-D" + DEVICE_PROPERTY + "=" + index + " but only " + count
          + " CUDA device(s) exist (0 to " + (count - 1) + ")");
    }
    Availability blas = Cublas.availability();
    if (!blas.available()) {
      return blas;
    }
    boolean prebuilt = KernelImages.BUILT_ARCHITECTURES.stream().anyMatch(arch ->
        KernelSources.read(KernelModule.SOFTMAX.fileStem() + ".sm_" + arch + ".ptx").isPresent());
    boolean compilable = KernelSources.read(KernelModule.SOFTMAX.fileStem() + ".cu").isPresent()
        && Nvrtc.availability().available();
    if (!prebuilt && !compilable) {
      return Availability.no("no CUDA kernel images in " + KernelSources.describe()
          + " (build kernels-native with nvcc) and no NVRTC to compile the sources: "
          + Nvrtc.availability().reason());
    }
    return Availability.yes(driver.reason() + ", device " + index + " of " + count);
  }
}
