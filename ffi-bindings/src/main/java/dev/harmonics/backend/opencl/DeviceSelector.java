package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.ClPlatform;
import dev.harmonics.ffi.opencl.DeviceType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which OpenCL device to use: a type and the index among the devices of that type across all
 * platforms, written {@code type:index} ({@code gpu:0}, {@code accelerator:1}, {@code cpu:0},
 * {@code all:2}); the index defaults to 0.
 *
 * @param types the types tried in order (the default of the OpenCL backend tries GPU, then
 *     accelerator)
 */
record DeviceSelector(List<DeviceType> types, int index) {

  /** Parses {@code type[:index]}; {@code property} names the setting in error messages. */
  static DeviceSelector parse(String text, String property) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length > 2 || parts[0].isBlank()) {
      throw new IllegalArgumentException("-D" + property + "=" + text
          + " (expected: type[:index], type one of gpu, accelerator, cpu, custom, all)");
    }
    DeviceType type;
    try {
      type = DeviceType.fromId(parts[0]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + property + "=" + text + ": " + e.getMessage(), e);
    }
    int index = 0;
    if (parts.length == 2) {
      try {
        index = Integer.parseInt(parts[1].trim());
      } catch (NumberFormatException e) {
        index = -1;
      }
      if (index < 0) {
        throw new IllegalArgumentException("-D" + property + "=" + text
            + " (expected: a device index >= 0 after the colon)");
      }
    }
    return new DeviceSelector(List.of(type), index);
  }

  /** The device this selector names, or an {@link IllegalStateException} listing what exists. */
  ClDevice select(List<ClPlatform> platforms) {
    for (DeviceType type : types) {
      List<ClDevice> matching = new ArrayList<>();
      for (ClPlatform platform : platforms) {
        for (ClDevice device : platform.devices()) {
          if (type == DeviceType.ALL || device.type() == type) {
            matching.add(device);
          }
        }
      }
      if (index < matching.size()) {
        return matching.get(index);
      }
    }
    String found = platforms.stream().flatMap(p -> p.devices().stream())
        .map(ClDevice::describe).collect(Collectors.joining("; "));
    throw new IllegalStateException("no OpenCL device " + this + " (found: "
        + (found.isEmpty() ? "none" : found) + ")");
  }

  @Override
  public String toString() {
    return types.stream().map(t -> t.id() + ":" + index).collect(Collectors.joining(" or "));
  }
}
