package dev.harmonics.backend.cuda;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row-major to column-major mapping of GEMM onto cuBLAS, checked against the reference on a
 * {@link SimulatedDevice} whose SGEMM follows cuBLAS's definition: transposes, leading dimensions,
 * operand order, beta and the strided batch (including a shared B).
 */
class CudaGemmMappingTest {

  private static final float TOLERANCE = 1e-4f;

  @ParameterizedTest
  @CsvSource({"false,false", "false,true", "true,false", "true,true"})
  void gemmMatchesTheReference(boolean transA, boolean transB) throws IOException {
    KernelProvider cuda = new CudaProvider(new SimulatedDevice(false));
    KernelProvider reference = KernelProviders.of(Backend.REFERENCE);
    RandomTensors random = new RandomTensors(42);
    int m = 5;
    int n = 7;
    int k = 3;
    try (Tensor a = random.uniform(transA ? k : m, transA ? m : k);
         Tensor b = random.uniform(transB ? n : k, transB ? k : n);
         Tensor c = random.uniform(m, n);
         Tensor expected = Tensor.of(c.toFloatArray(), m, n)) {
      cuda.gemm().gemm(transA, transB, 1.5f, a, b, 0.5f, c);
      reference.gemm().gemm(transA, transB, 1.5f, a, b, 0.5f, expected);
      TensorAssertions.assertClose(expected, c, TOLERANCE, TOLERANCE, "c");
    }
  }

  @ParameterizedTest
  @CsvSource({"false,false,false", "true,false,false", "false,true,true", "true,true,true"})
  void batchedMatmulMatchesTheReference(boolean transA, boolean transB, boolean sharedB)
      throws IOException {
    KernelProvider cuda = new CudaProvider(new SimulatedDevice(false));
    KernelProvider reference = KernelProviders.of(Backend.REFERENCE);
    RandomTensors random = new RandomTensors(7);
    int batch = 3;
    int m = 4;
    int n = 2;
    int k = 5;
    try (Tensor a = random.uniform(batch, transA ? k : m, transA ? m : k);
         Tensor b = sharedB ? random.uniform(transB ? n : k, transB ? k : n)
             : random.uniform(batch, transB ? n : k, transB ? k : n);
         Tensor c = Tensor.zeros(batch, m, n);
         Tensor expected = Tensor.zeros(batch, m, n)) {
      cuda.gemm().batchedMatmul(transA, transB, a, b, c);
      reference.gemm().batchedMatmul(transA, transB, a, b, expected);
      TensorAssertions.assertClose(expected, c, TOLERANCE, TOLERANCE, "c");
    }
  }
}
