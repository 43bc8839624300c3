package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.GEMM;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.tensor.Tensor;

/**
 * GEMM on a CUDA device through cuBLAS, with our epilogue kernel for bias and activation ({@code
 * gemm.cu}).
 *
 * <p>cuBLAS is column-major and our tensors row-major. A row-major {@code m x n} matrix read
 * column-major is its transpose, so {@code C = op(A) op(B)} is computed as {@code C^T = op(B)^T
 * op(A)^T}: cuBLAS gets B first, then A, with the sizes {@code n, m} and the same transpose flags.
 */
final class CudaGemm extends GemmKernels {

  private final CallFactory calls;

  CudaGemm(CallFactory calls) {
    this.calls = calls;
  }

  @Override
  protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c, Tensor bias, Activation activation,
      float activationAlpha) {
    Device device = calls.device();
    try (DeviceCall call = calls.open()) {
      long as = call.in(a);
      long bs = call.in(b);
      long cs = beta != 0 ? call.inOut(c) : call.out(c);
      long biasPointer = call.inOrNull(bias);
      device.sgemm(transB, transA, n, m, k, alpha, bs,
          transB ? k : n, as, transA ? m : k, beta, cs, n);
      if (bias != null || activation != Activation.IDENTITY) {
        call.launch(GEMM, "hx_gemm_epilogue", (long) m * n, cs, biasPointer, (long) m, n,
            CudaActivation.code(activation), activationAlpha);
      }
    }
  }

  @Override
  protected void doBatchedMatmul(boolean transA, boolean transB, int batch, int m, int n, int k,
      Tensor a, Tensor b, boolean broadcastB, Tensor c) {
    Device device = calls.device();
    try (DeviceCall call = calls.open()) {
      long as = call.in(a);
      long bs = call.in(b);
      long cs = call.out(c);
      device.sgemmStridedBatched(transB, transA, n, m, k, 1f, bs,
          transB ? k : n, broadcastB ? 0 : (long) k * n, as, transA ? m : k, (long) m * k, 0f, cs,
          n, (long) m * n, batch);
    }
  }
}
