package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.Residency;
import dev.harmonics.kernel.TransferStats;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The residency contract of the CUDA backend on a {@link SimulatedDevice} (device memory kept in
 * host memory, so every copy and count is real; the kernels themselves do not run): unpinned
 * tensors move on every call, pinned ones stay put until uploaded or downloaded, and transfers are
 * counted in bytes and calls.
 */
class CudaResidencyTest {

  private KernelProvider cuda;
  private Residency residency;

  @BeforeEach
  void start() throws IOException {
    cuda = new CudaProvider(new SimulatedDevice(false));
    residency = cuda.residency();
  }

  private TransferStats since(TransferStats before) {
    return residency.transfers().minus(before);
  }

  @Test
  void unpinnedTensorsAreUploadedAndDownloadedOnEveryCall() {
    try (Tensor x = Tensor.zeros(4, 8); Tensor y = Tensor.zeros(4, 8)) {
      TransferStats before = residency.transfers();
      cuda.activations().forward(Activation.RELU, 0f, x, y);
      assertEquals(new TransferStats(128, 1, 128, 1), since(before));
      cuda.activations().forward(Activation.RELU, 0f, x, y);
      assertEquals(new TransferStats(256, 2, 256, 2), since(before));
    }
  }

  @Test
  void anInPlaceCallMovesTheTensorOnceEachWay() {
    try (Tensor x = Tensor.zeros(10)) {
      TransferStats before = residency.transfers();
      cuda.activations().forward(Activation.TANH, 0f, x, x);
      assertEquals(new TransferStats(40, 1, 40, 1), since(before));
    }
  }

  @Test
  void pinnedTensorsStayOnTheDeviceBetweenKernels() {
    try (Tensor x = Tensor.zeros(16); Tensor y = Tensor.zeros(16)) {
      TransferStats before = residency.transfers();
      residency.pin(x);
      residency.pin(y);
      assertEquals(new TransferStats(128, 2, 0, 0), since(before));
      TransferStats pinned = residency.transfers();
      for (int i = 0; i < 3; i++) {
        cuda.activations().forward(Activation.SIGMOID, 0f, x, y);
        cuda.elementwise().axpy(2f, y, x);
      }
      assertEquals(TransferStats.NONE, since(pinned));
      residency.download(y);
      assertEquals(new TransferStats(0, 0, 64, 1), since(pinned));
    }
  }

  @Test
  void aPinnedTensorKeepsItsDeviceCopyUntilUploaded() {
    try (Tensor t = Tensor.of(new float[] {1, 2, 3}, 3)) {
      residency.pin(t);
      t.setFlat(0, 99f);
      residency.download(t);
      assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray());
      t.setFlat(1, 42f);
      residency.upload(t);
      t.setFlat(1, 0f);
      residency.download(t);
      assertArrayEquals(new float[] {1, 42, 3}, t.toFloatArray());
    }
  }

  @Test
  void aReshapeOfAPinnedTensorIsPinnedAndAPartOfItIsNot() {
    try (Tensor t = Tensor.zeros(2, 6)) {
      residency.pin(t);
      assertTrue(residency.isPinned(t));
      assertTrue(residency.isPinned(t.reshape(3, 4)));
      assertFalse(residency.isPinned(t.transpose(0, 1)));
      residency.release(t);
      assertFalse(residency.isPinned(t));
      assertFalse(residency.isPinned(t.reshape(12)));
    }
  }

  @Test
  void pinningTwiceCopiesOnceAndReleasingAnUnpinnedTensorDoesNothing() {
    try (Tensor t = Tensor.zeros(8); Tensor other = Tensor.zeros(8)) {
      TransferStats before = residency.transfers();
      residency.pin(t);
      residency.pin(t);
      residency.release(other);
      assertEquals(new TransferStats(32, 1, 0, 0), since(before));
    }
  }

  @Test
  void heapTensorsMoveThroughTheSameCountedPath() {
    Tensor heap = Tensor.wrap(new float[] {1, -2, 3, -4}, 4);
    TransferStats before = residency.transfers();
    residency.pin(heap);
    heap.setFlat(3, 0f);
    residency.download(heap);
    assertArrayEquals(new float[] {1, -2, 3, -4}, heap.toFloatArray());
    assertEquals(new TransferStats(16, 1, 16, 1), since(before));
  }

  @Test
  void movingAnUnpinnedTensorExplicitlyIsRefusedWithTheFix() {
    try (Tensor t = Tensor.zeros(4)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> residency.download(t));
      assertTrue(e.getMessage().contains("is not pinned") && e.getMessage().contains("pin("),
          e.getMessage());
      assertThrows(IllegalStateException.class, () -> residency.upload(t));
    }
  }

  @Test
  void aStridedViewCannotBePinned() {
    try (Tensor t = Tensor.zeros(3, 4)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> residency.pin(t.transpose(0, 1)));
      assertTrue(e.getMessage().contains("contiguous()"), e.getMessage());
    }
  }
}
