package dev.harmonics.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    assertTrue(KernelProviders.availability(KernelBackend.SIMD).available(),
        KernelProviders.availability(KernelBackend.SIMD).reason());
    assertEquals(KernelBackend.SIMD, KernelProviders.get().backend());
  }

  @Test
  void theApiOverridesTheChoice() {
    KernelProviders.setDefault(KernelBackend.REFERENCE);
    assertEquals(KernelBackend.REFERENCE, KernelProviders.get().backend());
    KernelProviders.clearDefault();
    assertEquals(KernelBackend.SIMD, KernelProviders.get().backend());
  }

  @Test
  void unknownBackendNamesListTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KernelBackend.fromId("gpu"));
    assertTrue(e.getMessage().contains("auto, reference, simd"), e.getMessage());
  }
}
