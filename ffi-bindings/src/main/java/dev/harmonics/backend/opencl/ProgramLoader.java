package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClContext;
import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.ClProgram;

/** How a backend gets its programs: compiled from source (cached) or loaded from binaries. */
interface ProgramLoader {

  /** The program built for {@code context}'s device. */
  ClProgram load(ClContext context, Program program);

  /** One phrase for {@code description()}, e.g. where binaries come from. */
  String describe();

  /** System property: {@code false} computes sums in float even where the device has doubles. */
  String DOUBLE_PROPERTY = "harmonics.opencl.double";

  /**
   * Whether kernels on {@code device} sum and evaluate functions in double: where the device has
   * {@code cl_khr_fp64}, unless {@code -Dharmonics.opencl.double=false} trades exactness for speed.
   */
  static boolean usesDouble(ClDevice device) {
    return device.supportsDouble()
        && !"false".equalsIgnoreCase(System.getProperty(DOUBLE_PROPERTY, "true").trim());
  }

  /** Compiler options for {@code device}: {@code HARMONICS_FP64} when it {@link #usesDouble}. */
  static String options(ClDevice device) {
    return "-cl-std=CL1.2" + (usesDouble(device) ? " -DHARMONICS_FP64=1" : "");
  }
}
