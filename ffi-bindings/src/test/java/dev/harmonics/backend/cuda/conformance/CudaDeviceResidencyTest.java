package dev.harmonics.backend.cuda.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.Residency;
import dev.harmonics.kernel.TransferStats;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Residency on a real GPU: a chain of kernels over pinned tensors moves nothing until the result
 * is downloaded, and the result equals the reference computed on the host.
 */
@ExtendWith(RequiresCudaDevice.class)
class CudaDeviceResidencyTest {

  @Test
  void aPinnedChainMatchesTheReferenceAndMovesOnlyTheResult() {
    KernelProvider cuda = RequiresCudaDevice.provider();
    KernelProvider reference = KernelProviders.of(Backend.REFERENCE);
    Residency residency = cuda.residency();
    RandomTensors random = new RandomTensors(11);
    try (Tensor x = random.uniform(64, 32); Tensor w = random.uniform(32, 16);
         Tensor h = Tensor.zeros(64, 16); Tensor p = Tensor.zeros(64, 16);
         Tensor expectedH = Tensor.zeros(64, 16); Tensor expected = Tensor.zeros(64, 16)) {
      reference.gemm().gemm(false, false, 1f, x, w, 0f, expectedH, null, Activation.RELU, 0f);
      reference.softmax().softmax(expectedH, -1, expected);
      for (Tensor t : new Tensor[] {x, w, h, p}) {
        residency.pin(t);
      }
      TransferStats before = residency.transfers();
      cuda.gemm().gemm(false, false, 1f, x, w, 0f, h, null, Activation.RELU, 0f);
      cuda.softmax().softmax(h, -1, p);
      assertEquals(TransferStats.NONE, residency.transfers().minus(before));
      residency.download(p);
      assertEquals(new TransferStats(0, 0, p.size() * 4L, 1), residency.transfers().minus(before));
      TensorAssertions.assertClose(expected, p, 1e-5, 1e-4, "softmax(relu(x w))");
      for (Tensor t : new Tensor[] {x, w, h, p}) {
        residency.release(t);
      }
    }
  }
}
