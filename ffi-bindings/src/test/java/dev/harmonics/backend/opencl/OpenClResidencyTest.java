package dev.harmonics.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.Residency;
import dev.harmonics.kernel.TransferStats;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The residency contract on the OpenCL backend: pinned tensors stay in device buffers between
 * kernels (no transfer per call), unpinned ones are uploaded and downloaded per call, and every
 * transfer is counted.
 */
class OpenClResidencyTest {

  private final RandomTensors random = new RandomTensors(42);
  private final List<Tensor> tensors = new ArrayList<>();

  @AfterEach
  void release() {
    OpenClProvider provider = OpenClTesting.openCl();
    tensors.forEach(t -> provider.residency().release(t));
    tensors.forEach(Tensor::close);
  }

  private Tensor track(Tensor t) {
    tensors.add(t);
    return t;
  }

  private Tensor uniform(int... shape) {
    return track(random.uniform(-1f, 1f, shape));
  }

  @Test
  void pinnedTensorsCauseNoTransferPerCall() {
    OpenClProvider cl = OpenClTesting.openCl();
    Residency residency = cl.residency();
    Tensor a = uniform(17, 9);
    Tensor b = uniform(9, 5);
    Tensor c = track(Tensor.zeros(17, 5));
    Tensor h = track(Tensor.zeros(17, 5));
    for (Tensor t : List.of(a, b, c, h)) {
      residency.pin(t);
      assertTrue(residency.isPinned(t));
    }
    TransferStats before = residency.transfers();
    cl.gemm().gemm(false, false, 1f, a, b, 0f, c, null, Activation.IDENTITY, 0f);
    cl.activations().forward(Activation.TANH, 0f, c, h);
    cl.elementwise().add(h, c, h);
    assertEquals(TransferStats.NONE, residency.transfers().minus(before));

    assertEquals(0f, h.getFlat(0), "host memory is untouched until download");
    residency.download(h);
    assertEquals(new TransferStats(0, 0, 17 * 5 * 4, 1), residency.transfers().minus(before));
    Tensor expected = track(Tensor.zeros(17, 5));
    Tensor tanh = track(Tensor.zeros(17, 5));
    var ref = KernelProviders.of(Backend.REFERENCE);
    ref.gemm().gemm(false, false, 1f, a, b, 0f, expected, null, Activation.IDENTITY, 0f);
    ref.activations().forward(Activation.TANH, 0f, expected, tanh);
    ref.elementwise().add(tanh, expected, expected);
    TensorAssertions.assertClose(expected, h, 1e-5, 1e-5, "pinned chain");
  }

  @Test
  void unpinnedTensorsAreUploadedAndDownloadedOnEveryCall() {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor a = uniform(6, 4);
    Tensor b = uniform(4, 3);
    Tensor c = track(Tensor.zeros(6, 3));
    TransferStats before = cl.residency().transfers();
    cl.gemm().gemm(false, false, 1f, a, b, 0f, c, null, Activation.IDENTITY, 0f);
    // beta == 0: c is written, never read, so it is not uploaded.
    assertEquals(new TransferStats((6 * 4 + 4 * 3) * 4, 2, 6 * 3 * 4, 1),
        cl.residency().transfers().minus(before));
  }

  @Test
  void uploadRefreshesTheDeviceCopyFromTheHost() {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor x = track(Tensor.of(new float[] {1, -2, 3}, 3));
    Tensor y = track(Tensor.zeros(3));
    cl.residency().pin(x);
    cl.residency().pin(y);
    x.copyFrom(new float[] {-1, 5, -7});
    cl.activations().forward(Activation.RELU, 0f, x, y);
    cl.residency().download(y);
    assertEquals(List.of(1f, 0f, 3f), floats(y), "the kernel read the pinned copy");
    cl.residency().upload(x);
    cl.activations().forward(Activation.RELU, 0f, x, y);
    cl.residency().download(y);
    assertEquals(List.of(0f, 5f, 0f), floats(y));
  }

  @Test
  void aReleasedTensorIsUnpinnedAndUsesTheHostAgain() {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor x = track(Tensor.of(new float[] {2, 4}, 2));
    cl.residency().pin(x);
    cl.residency().release(x);
    assertFalse(cl.residency().isPinned(x));
    cl.elementwise().scalar(dev.harmonics.kernel.BinaryOp.MUL, x, 0.5f, x);
    assertEquals(List.of(1f, 2f), floats(x));
  }

  @Test
  void aReshapeOfAPinnedTensorFindsTheSameDeviceCopy() {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor x = track(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
    cl.residency().pin(x);
    assertTrue(cl.residency().isPinned(x.reshape(4)));
  }

  @Test
  void residencyRefusesWhatItCannotHold() {
    OpenClProvider cl = OpenClTesting.openCl();
    Residency residency = cl.residency();
    Tensor heap = Tensor.wrap(new float[] {1, 2}, 2);
    IllegalArgumentException onHeap =
        assertThrows(IllegalArgumentException.class, () -> residency.pin(heap));
    assertTrue(onHeap.getMessage().contains("on the Java heap"), onHeap.getMessage());

    Tensor strided = uniform(3, 4).transpose(0, 1);
    IllegalArgumentException notDense =
        assertThrows(IllegalArgumentException.class, () -> residency.pin(strided));
    assertTrue(notDense.getMessage().contains("contiguous()"), notDense.getMessage());

    Tensor loose = uniform(2);
    IllegalArgumentException notPinned =
        assertThrows(IllegalArgumentException.class, () -> residency.download(loose));
    assertTrue(notPinned.getMessage().contains("is not pinned"), notPinned.getMessage());
  }

  @Test
  void aViewOfPartOfAPinnedTensorIsRefusedRatherThanReadStale() {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor whole = uniform(4, 3);
    cl.residency().pin(whole);
    Tensor rows = whole.slice(0, 1, 3);
    Tensor out = track(Tensor.zeros(2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cl.activations().forward(Activation.RELU, 0f, rows, out));
    assertTrue(e.getMessage().contains("part of a pinned tensor"), e.getMessage());
  }

  @Test
  void aStridedCopyReadsThePinnedDeviceCopy() {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor x = track(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    cl.residency().pin(x);
    x.copyFrom(new float[6]);
    Tensor t = track(Tensor.zeros(3, 2));
    TransferStats before = cl.residency().transfers();
    cl.layout().copy(x.transpose(0, 1), t);
    assertEquals(0, cl.residency().transfers().minus(before).hostToDeviceCalls());
    assertEquals(List.of(1f, 4f, 2f, 5f, 3f, 6f), floats(t));
  }

  @Test
  void aLossOnPinnedTensorsDownloadsOnlyTheLoss() {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor prediction = uniform(1000);
    Tensor target = uniform(1000);
    cl.residency().pin(prediction);
    cl.residency().pin(target);
    TransferStats before = cl.residency().transfers();
    float loss = cl.losses().mse(prediction, target);
    TransferStats moved = cl.residency().transfers().minus(before);
    assertEquals(0, moved.hostToDeviceCalls());
    assertEquals(1, moved.deviceToHostCalls(), "the loss itself");
    assertTrue(moved.deviceToHostBytes() <= Double.BYTES, moved.toString());
    float expected = KernelProviders.of(Backend.REFERENCE).losses().mse(prediction, target);
    assertEquals(expected, loss, 1e-6f * Math.abs(expected));
  }

  @Test
  void callsFromManyThreadsAreSerialisedAndCorrect() throws Exception {
    OpenClProvider cl = OpenClTesting.openCl();
    Tensor a = uniform(33, 17);
    Tensor b = uniform(17, 9);
    Tensor expected = track(Tensor.zeros(33, 9));
    KernelProviders.of(Backend.REFERENCE).gemm().gemm(false, false, 1f, a, b, 0f, expected);
    List<Tensor> outputs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      outputs.add(track(Tensor.zeros(33, 9)));
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> done = new ArrayList<>();
      for (Tensor out : outputs) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 5; i++) {
            cl.gemm().gemm(false, false, 1f, a, b, 0f, out);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    for (Tensor out : outputs) {
      TensorAssertions.assertClose(expected, out, 1e-5, 1e-5, "gemm from a pool thread");
    }
  }

  @Test
  void kernelEventsGiveDeviceTimes() {
    OpenClProvider cl = OpenClTesting.openCl();
    DeviceTimes before = cl.deviceTimes();
    Tensor a = uniform(64, 64);
    Tensor c = track(Tensor.zeros(64, 64));
    cl.gemm().gemm(false, false, 1f, a, a, 0f, c, null, Activation.IDENTITY, 0f);
    DeviceTimes after = cl.deviceTimes();
    assertEquals(before.launches() + 1, after.launches());
    assertTrue(after.lastCallNanos() > 0, after.toString());
    assertEquals(before.totalNanos() + after.lastCallNanos(), after.totalNanos());
  }

  private static List<Float> floats(Tensor t) {
    List<Float> out = new ArrayList<>();
    for (float v : t.toFloatArray()) {
      out.add(v);
    }
    return out;
  }
}
