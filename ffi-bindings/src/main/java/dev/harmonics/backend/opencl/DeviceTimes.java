package dev.harmonics.backend.opencl;

/**
 * Device-side kernel time from OpenCL profiling events: what the kernels themselves took, without
 * host-device transfers or enqueue overhead.
 *
 * @param lastCallNanos the kernel time of the most recent kernel call (summed over its launches)
 * @param totalNanos the kernel time of every call so far
 * @param launches how many kernels were launched so far
 */
public record DeviceTimes(long lastCallNanos, long totalNanos, long launches) {}
