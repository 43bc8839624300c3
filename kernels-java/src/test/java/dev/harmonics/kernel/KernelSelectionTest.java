package dev.harmonics.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KernelSelectionTest {

  @AfterEach
  void restoreDefault() {
    KernelProviders.clearDefault();
  }

  @Test
  void autoPicksSimdWhenTheIncubatorModuleIsLoaded() {
    assertTrue(KernelProviders.availability(Backend.SIMD).available(),
        KernelProviders.availability(Backend.SIMD).reason());
    assertEquals(Backend.SIMD, KernelProviders.get().backend());
  }

  @Test
  void theApiOverridesTheChoice() {
    KernelProviders.setDefault(Backend.REFERENCE);
    assertEquals(Backend.REFERENCE, KernelProviders.get().backend());
    KernelProviders.clearDefault();
    assertEquals(Backend.SIMD, KernelProviders.get().backend());
  }

  @Test
  void unknownBackendNamesListTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Backend.fromId("gpu"));
    assertTrue(e.getMessage().contains("auto, cuda, opencl, fpga, native-cpu, simd, reference"), e.getMessage());
  }

  @Test
  void idsUseDashesAndAcceptUnderscores() {
    assertEquals("native-cpu", Backend.NATIVE_CPU.id());
    assertEquals(Backend.NATIVE_CPU, Backend.fromId("NATIVE_CPU"));
    assertEquals(Backend.OPENCL, Backend.fromId(" opencl "));
  }

  @Test
  void autoIsTheFirstAvailableBackendInPreferenceOrder() {
    assertEquals(Backend.SIMD, KernelProviders.best());
    assertEquals(Backend.SIMD, KernelProviders.of(Backend.AUTO).backend());
    assertTrue(KernelProviders.availability(Backend.AUTO).reason().contains("simd"));
  }

  @Test
  void aBackendWithoutAProviderSaysWhereItComesFrom() {
    Availability cuda = KernelProviders.availability(Backend.CUDA);
    assertFalse(cuda.available());
    assertTrue(cuda.reason().contains("ffi-bindings"), cuda.reason());
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> KernelProviders.of(Backend.CUDA));
    assertTrue(e.getMessage().contains("cuda"), e.getMessage());
  }

  @Test
  void aServiceLoadedFactoryAnswersForItsBackend() {
    Availability fpga = KernelProviders.availability(Backend.FPGA);
    assertFalse(fpga.available());
    assertEquals(UnavailableFpgaFactory.REASON, fpga.reason());
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> KernelProviders.of(Backend.FPGA));
    assertTrue(e.getMessage().contains(UnavailableFpgaFactory.REASON), e.getMessage());
  }

  @Test
  void cpuBackendsMoveNothing() {
    Residency residency = KernelProviders.of(Backend.SIMD).residency();
    try (var tensor = dev.harmonics.tensor.Tensor.zeros(4)) {
      residency.pin(tensor);
      assertFalse(residency.isPinned(tensor));
    }
    assertEquals(TransferStats.NONE, residency.transfers());
  }
}
