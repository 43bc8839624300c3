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

  /**
   * Compiler options for {@code device}: double-precision accumulation where the device has it
   * ({@code HARMONICS_FP64}), float otherwise.
   */
  static String options(ClDevice device) {
    return "-cl-std=CL1.2" + (device.supportsDouble() ? " -DHARMONICS_FP64=1" : "");
  }
}
