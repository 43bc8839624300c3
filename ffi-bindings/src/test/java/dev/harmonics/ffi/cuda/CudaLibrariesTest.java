package dev.harmonics.ffi.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harmonics.kernel.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Loading the CUDA driver, NVRTC and cuBLAS. Where a library is missing (this project's build
 * machines have no GPU and no driver), its availability must say so and loading it must fail with
 * that reason; where it is present, the calls that need no device must work, and on a GPU real
 * failing calls must come back as named exceptions.
 */
class CudaLibrariesTest {

  private static void checkConsistent(Availability availability, Supplier<?> load,
      String libraryName) {
    assertNotNull(availability.reason());
    if (availability.available()) {
      assertNotNull(load.get());
    } else {
      assertTrue(availability.reason().contains(libraryName), availability.reason());
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          load::get);
      assertTrue(e.getMessage().endsWith(availability.reason()), e.getMessage());
    }
  }

  @Test
  void theDriverIsAvailableOrSaysWhyNot() {
    checkConsistent(CudaDriver.availability(), CudaDriver::load, "libcuda");
  }

  @Test
  void nvrtcIsAvailableOrSaysWhyNot() {
    checkConsistent(Nvrtc.availability(), Nvrtc::load, "libnvrtc");
  }

  @Test
  void cublasIsAvailableOrSaysWhyNot() {
    checkConsistent(Cublas.availability(), Cublas::load, "libcublas");
  }

  @Test
  void availabilityIsComputedOnce() {
    assertTrue(CudaDriver.availability() == CudaDriver.availability());
    assertTrue(Nvrtc.availability() == Nvrtc.availability());
  }

  @Test
  void nvrtcCompilesAKernelToPtxAndReportsCompileErrorsWithTheLog() {
    assumeTrue(Nvrtc.availability().available(), Nvrtc.availability().reason());
    String ptx = Nvrtc.load().compileToPtx("#include \"two.cuh\"\n"
        + "extern \"C\" __global__ void twice(float* x) { x[threadIdx.x] *= TWO; }",
        "twice.cu", Map.of("two.cuh", "#define TWO 2.0f\n"),
        List.of("--gpu-architecture=compute_80"));
    assertTrue(ptx.contains(".entry twice"), ptx);
    CudaException e = assertThrows(CudaException.class, () -> Nvrtc.load().compileToPtx(
        "extern \"C\" __global__ void broken( { }", "broken.cu", Map.of(),
        List.of("--gpu-architecture=compute_80")));
    assertEquals("nvrtcCompileProgram", e.call());
    assertEquals("NVRTC_ERROR_COMPILATION", e.errorName());
    assertTrue(e.getMessage().contains("broken.cu"), e.getMessage());
  }

  @Test
  void onAGpuFailingDriverCallsBecomeNamedExceptions() {
    assumeTrue(CudaDriver.availability().available(), CudaDriver.availability().reason());
    CudaDriver driver = CudaDriver.load();
    assumeTrue(driver.deviceCount() > 0, "no CUDA device");
    MemorySegment context = driver.retainPrimaryContext(driver.device(0));
    try {
      driver.setCurrentContext(context);
      CudaException tooBig = assertThrows(CudaException.class, () -> driver.malloc(1L << 60));
      assertEquals("cuMemAlloc", tooBig.call());
      assertEquals("CUDA_ERROR_OUT_OF_MEMORY", tooBig.errorName());
      try (Arena arena = Arena.ofConfined()) {
        CudaException garbage = assertThrows(CudaException.class,
            () -> driver.loadModule(arena.allocateFrom("this is not PTX")));
        assertEquals("cuModuleLoadData", garbage.call());
      }
      CudaException badDevice = assertThrows(CudaException.class,
          () -> driver.device(driver.deviceCount()));
      assertEquals("CUDA_ERROR_INVALID_DEVICE", badDevice.errorName());
    } finally {
      driver.releasePrimaryContext(driver.device(0));
    }
  }
}
