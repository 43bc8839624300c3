package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which prebuilt image a device of each compute capability tries first. */
class KernelImagesTest {

  @Test
  void anAmpereDataCentreGpuTakesItsCubinThenPtx() {
    assertEquals(List.of("norm.sm_80.cubin", "norm.sm_80.ptx"),
        KernelImages.candidates("norm", 8, 0));
  }

  @Test
  void laterAmpereAndAdaGpusRunTheSm80CubinAndPtx() {
    assertEquals(List.of("norm.sm_80.cubin", "norm.sm_80.ptx"),
        KernelImages.candidates("norm", 8, 6));
    assertEquals(List.of("norm.sm_80.cubin", "norm.sm_80.ptx"),
        KernelImages.candidates("norm", 8, 9));
  }

  @Test
  void hopperTakesItsOwnCubinThenTheNewestPtx() {
    assertEquals(List.of("norm.sm_90.cubin", "norm.sm_90.ptx", "norm.sm_80.ptx"),
        KernelImages.candidates("norm", 9, 0));
  }

  @Test
  void aNewerArchitectureJitsThePtx() {
    assertEquals(List.of("norm.sm_90.ptx", "norm.sm_80.ptx"),
        KernelImages.candidates("norm", 12, 0));
  }

  @Test
  void anOlderGpuHasNoPrebuiltImageAndGoesToNvrtc() {
    assertEquals(List.of(), KernelImages.candidates("norm", 7, 5));
    assertEquals("--gpu-architecture=compute_75", KernelImages.nvrtcArchitecture(7, 5));
  }
}
