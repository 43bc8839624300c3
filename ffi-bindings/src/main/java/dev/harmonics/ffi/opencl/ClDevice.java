package dev.harmonics.ffi.opencl;

import java.lang.foreign.MemorySegment;

/**
 * An OpenCL device as its driver describes it.
 *
 * @param id the {@code cl_device_id}
 * @param type the device's primary type
 * @param platformName the name of the platform it belongs to
 * @param computeUnits {@code CL_DEVICE_MAX_COMPUTE_UNITS}
 * @param globalMemoryBytes {@code CL_DEVICE_GLOBAL_MEM_SIZE}
 * @param localMemoryBytes {@code CL_DEVICE_LOCAL_MEM_SIZE}
 * @param maxWorkGroupSize {@code CL_DEVICE_MAX_WORK_GROUP_SIZE}
 * @param version {@code CL_DEVICE_VERSION}
 * @param driverVersion {@code CL_DRIVER_VERSION}
 * @param extensions {@code CL_DEVICE_EXTENSIONS}, space-separated
 */
public record ClDevice(MemorySegment id, DeviceType type, String name, String vendor,
    String platformName, int computeUnits, long globalMemoryBytes, long localMemoryBytes,
    long maxWorkGroupSize, String version, String driverVersion,
    String extensions) {

  /** Identifies the device and its compiler for program caches: binaries differ across these. */
  public String cacheKey() {
    return platformName + "|" + name + "|" + version + "|" + driverVersion;
  }

  /** Whether the device computes in double precision ({@code cl_khr_fp64}). */
  public boolean supportsDouble() {
    return (" " + extensions + " ").contains(" cl_khr_fp64 ");
  }

  /** One line for logs and {@code harmonics info}. */
  public String describe() {
    return type.id() + " '" + name + "' on '" + platformName + "', " + computeUnits
        + " compute units, " + (globalMemoryBytes >> 20) + " MiB";
  }

  @Override
  public String toString() {
    return describe();
  }
}
