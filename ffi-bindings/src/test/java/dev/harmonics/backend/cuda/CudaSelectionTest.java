package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.harmonics.ffi.cuda.CudaDriver;
import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import org.junit.jupiter.api.Test;

/**
 * How the CUDA backend takes part in backend selection: its factory is found through the service
 * file, and where it cannot run (no driver, no device) AUTO passes it by and an explicit request
 * fails with the reason.
 */
class CudaSelectionTest {

  @Test
  void theFactoryIsRegisteredForCuda() {
    Availability availability = KernelProviders.availability(Backend.CUDA);
    assertTrue(!availability.reason().contains("no cuda provider on the class path"),
        availability.reason());
    assertEquals(Backend.CUDA, new CudaProviderFactory().backend());
  }

  @Test
  void withoutADriverOrDeviceAutoPassesCudaByAndAnExplicitRequestSaysWhy() {
    Availability availability = KernelProviders.availability(Backend.CUDA);
    assumeFalse(availability.available(), "a CUDA device is present: " + availability.reason());
    assertNotEquals(Backend.CUDA, KernelProviders.best());
    assertNotEquals(Backend.CUDA, KernelProviders.of(Backend.AUTO).backend());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> KernelProviders.of(Backend.CUDA));
    assertTrue(e.getMessage().startsWith("the cuda kernel backend is unavailable: "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(availability.reason()), e.getMessage());
    if (!CudaDriver.availability().available()) {
      assertTrue(availability.reason().startsWith("no libcuda.so.1"), availability.reason());
    } else {
      assertTrue(availability.reason().contains("no CUDA device")
          || availability.reason().contains("cannot be used"), availability.reason());
    }
  }

  @Test
  void aMalformedDeviceIndexIsNamed() {
    String old = System.getProperty(CudaAvailability.DEVICE_PROPERTY);
    try {
      System.setProperty(CudaAvailability.DEVICE_PROPERTY, "first");
      assertEquals(-1, CudaAvailability.requestedDevice());
      System.setProperty(CudaAvailability.DEVICE_PROPERTY, " 2 ");
      assertEquals(2, CudaAvailability.requestedDevice());
      System.clearProperty(CudaAvailability.DEVICE_PROPERTY);
      assertEquals(0, CudaAvailability.requestedDevice());
    } finally {
      if (old == null) {
        System.clearProperty(CudaAvailability.DEVICE_PROPERTY);
      } else {
        System.setProperty(CudaAvailability.DEVICE_PROPERTY, old);
      }
    }
  }
}
