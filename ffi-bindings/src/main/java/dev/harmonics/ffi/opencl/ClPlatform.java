package dev.harmonics.ffi.opencl;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An OpenCL platform (one vendor's driver) and its devices.
 *
 * @param id the {@code cl_platform_id}
 */
public record ClPlatform(MemorySegment id, String name, String vendor, String version,
    List<ClDevice> devices) {

  @Override
  public String toString() {
    return name + " (" + version + ")";
  }
}
