package dev.harmonics.ffi.opencl;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** OpenCL device types, by the names device selectors use ({@code gpu:0}, {@code cpu:1}...). */
public enum DeviceType {
  CPU(1L << 1),
  GPU(1L << 2),
  ACCELERATOR(1L << 3),
  CUSTOM(1L << 4),
  ALL(0xFFFFFFFFL);

  private final long bits;

  DeviceType(long bits) {
    this.bits = bits;
  }

  /** The {@code cl_device_type} bit field. */
  public long bits() {
    return bits;
  }

  /** The lower-case name used in selectors. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a device reporting the {@code cl_device_type} {@code reported} is of this type. */
  public boolean matches(long reported) {
    return (reported & bits) != 0;
  }

  /** The primary type named by a device's reported bit field (GPU before ACCELERATOR before CPU). */
  static DeviceType of(long reported) {
    for (DeviceType t : new DeviceType[] {GPU, ACCELERATOR, CPU, CUSTOM}) {
      if (t.matches(reported)) {
        return t;
      }
    }
    return ALL;
  }

  /** Parses {@link #id()}, ignoring case. */
  public static DeviceType fromId(String id) {
    for (DeviceType t : values()) {
      if (t.id().equalsIgnoreCase(id.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown OpenCL device type '" + id + "' (expected one of: "
        + Arrays.stream(values()).map(DeviceType::id).collect(Collectors.joining(", ")) + ")");
  }
}
