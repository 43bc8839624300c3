package dev.harmonics.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Which prebuilt images of a kernel module can run on a device of compute capability {@code
 * major.minor}, best first. The build makes, per module, cubins and PTX for each architecture in
 * {@link #BUILT_ARCHITECTURES}.
 *
 * <p>A cubin runs on devices of its major version with an equal or higher minor version (sm_80
 * code runs on 8.6 and 8.9, not on 9.0). PTX is compiled by the driver's JIT for any device at or
 * above its target, so the highest PTX target not above the device comes next. When none fits, or
 * the driver is older than the PTX (CUDA_ERROR_UNSUPPORTED_PTX_VERSION), NVRTC compiles the
 * module's source for the device.
 */
final class KernelImages {

  /**
   * The SM architectures the CMake build targets, as {@code 10 * major + minor}; keep in step with
   * {@code HARMONICS_CUDA_ARCHS} in cmake/HarmonicsCuda.cmake.
   */
  static final List<Integer> BUILT_ARCHITECTURES = List.of(80, 90);

  private KernelImages() {}

  /** Prebuilt file names for {@code module} on the device, best first. */
  static List<String> candidates(String module, int major, int minor) {
    int device = 10 * major + minor;
    List<String> names = new ArrayList<>();
    for (int arch : BUILT_ARCHITECTURES.reversed()) {
      if (arch / 10 == major && arch <= device) {
        names.add(module + ".sm_" + arch + ".cubin");
      }
    }
    for (int arch : BUILT_ARCHITECTURES.reversed()) {
      if (arch <= device) {
        names.add(module + ".sm_" + arch + ".ptx");
      }
    }
    return names;
  }

  /** The NVRTC option that targets the device's virtual architecture. */
  static String nvrtcArchitecture(int major, int minor) {
    return "--gpu-architecture=compute_" + major + minor;
  }
}
