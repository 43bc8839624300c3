package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harmonics.ffi.cuda.CuResult;
import dev.harmonics.ffi.cuda.CudaException;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A kernel call whose launch fails, on a {@link SimulatedDevice}: the driver's error reaches the
 * caller unchanged, the host output keeps its contents, the device is left and every temporary
 * buffer goes back to the pool, so the next call works.
 */
class DeviceCallTest {

  @Test
  void aFailedLaunchLosesNothingAndTheNextCallWorks() throws IOException {
    SimulatedDevice device = new SimulatedDevice(false);
    KernelProvider cuda = new CudaProvider(device);
    try (Tensor x = Tensor.of(new float[] {-1, 2}, 2);
         Tensor y = Tensor.of(new float[] {7, 7}, 2)) {
      CudaException failure = new CudaException("cuLaunchKernel", 719, CuResult.name(719));
      device.failNextLaunch(failure);
      CudaException thrown = assertThrows(CudaException.class,
          () -> cuda.activations().forward(Activation.RELU, 0f, x, y));
      assertSame(failure, thrown);
      assertEquals("cuLaunchKernel failed: CUDA_ERROR_LAUNCH_FAILED (719)", thrown.getMessage());
      assertArrayEquals(new float[] {7, 7}, y.toFloatArray(), "y is not overwritten");
      assertEquals(0, device.depth(), "the device was left");
      assertEquals(0, device.pool().inUseBytes(), "temporaries went back to the pool");

      cuda.activations().forward(Activation.RELU, 0f, x, y);
      assertEquals(0, device.pool().inUseBytes());
      assertEquals(1, device.launches().size());
    }
  }
}
