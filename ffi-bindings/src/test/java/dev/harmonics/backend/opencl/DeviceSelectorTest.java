package dev.harmonics.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.ClPlatform;
import dev.harmonics.ffi.opencl.DeviceType;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Device selection by type and index. Device records are built by hand here (their handles are
 * never used), so the selection rules are checked for GPUs and accelerators on a machine that has
 * only a CPU device.
 */
class DeviceSelectorTest {

  private static ClDevice device(DeviceType type, String name, String platform) {
    return new ClDevice(MemorySegment.NULL, type, name, "vendor", platform, 4, 1L << 30, 65536,
        256, "OpenCL 3.0", "1.0", "");
  }

  private final ClDevice cpu = device(DeviceType.CPU, "cpu0", "A");
  private final ClDevice gpu0 = device(DeviceType.GPU, "gpu0", "A");
  private final ClDevice gpu1 = device(DeviceType.GPU, "gpu1", "B");
  private final ClDevice fpga = device(DeviceType.ACCELERATOR, "fpga0", "B");
  private final List<ClPlatform> platforms = List.of(
      new ClPlatform(MemorySegment.NULL, "A", "v", "OpenCL 3.0", List.of(cpu, gpu0)),
      new ClPlatform(MemorySegment.NULL, "B", "v", "OpenCL 3.0", List.of(gpu1, fpga)));

  @Test
  void indexCountsDevicesOfTheTypeAcrossPlatforms() {
    assertSame(gpu1, DeviceSelector.parse("gpu:1", "p").select(platforms));
    assertSame(gpu0, DeviceSelector.parse("GPU", "p").select(platforms));
    assertSame(fpga, DeviceSelector.parse("accelerator:0", "p").select(platforms));
    assertSame(gpu1, DeviceSelector.parse("all:2", "p").select(platforms));
  }

  @Test
  void theDefaultTriesGpusThenAccelerators() {
    DeviceSelector fallback =
        new DeviceSelector(List.of(DeviceType.GPU, DeviceType.ACCELERATOR), 0);
    assertSame(gpu0, fallback.select(platforms));
    List<ClPlatform> noGpu = List.of(
        new ClPlatform(MemorySegment.NULL, "B", "v", "OpenCL 3.0", List.of(cpu, fpga)));
    assertSame(fpga, fallback.select(noGpu));
  }

  @Test
  void aMissingDeviceListsWhatExists() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DeviceSelector.parse("gpu:2", "p").select(platforms));
    assertEquals("no OpenCL device gpu:2 (found: cpu 'cpu0' on 'A', 4 compute units, 1024 MiB;"
        + " gpu 'gpu0' on 'A', 4 compute units, 1024 MiB; gpu 'gpu1' on 'B', 4 compute units,"
        + " 1024 MiB; accelerator 'fpga0' on 'B', 4 compute units, 1024 MiB)", e.getMessage());
  }

  @Test
  void badSelectorsNameTheSetting() {
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> DeviceSelector.parse("tpu:0", "harmonics.opencl.device"));
    assertEquals("-Dharmonics.opencl.device=tpu:0: unknown OpenCL device type 'tpu' (expected one"
        + " of: cpu, gpu, accelerator, custom, all)", type.getMessage());
    IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
        () -> DeviceSelector.parse("gpu:-1", "harmonics.opencl.device"));
    assertEquals("-Dharmonics.opencl.device=gpu:-1 (expected: a device index >= 0 after the colon)",
        index.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DeviceSelector.parse("gpu:1:2", "p"));
    assertThrows(IllegalArgumentException.class, () -> DeviceSelector.parse(":1", "p"));
  }
}
