package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.QUANT;

import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.tensor.Tensor;

/** Int8 quantisation and int8 GEMM on a CUDA device ({@code quant.cu}). */
final class CudaQuant extends QuantKernels {

  private final CallFactory calls;

  CudaQuant(CallFactory calls) {
    this.calls = calls;
  }

  @Override
  protected void doQuantize(Tensor x, float scale, int zeroPoint, Tensor q) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long qs = call.out(q);
      call.launch(QUANT, "hx_quantize", x.size(), xs, qs, (long) x.size(), scale, zeroPoint);
    }
  }

  @Override
  protected void doDequantize(Tensor q, float scale, int zeroPoint, Tensor x) {
    try (DeviceCall call = calls.open()) {
      long qs = call.in(q);
      long xs = call.out(x);
      call.launch(QUANT, "hx_dequantize", q.size(), qs, xs, (long) q.size(), scale, zeroPoint);
    }
  }

  @Override
  protected void doGemmInt8(int m, int n, int k, Tensor a, Tensor b, Tensor c) {
    try (DeviceCall call = calls.open()) {
      long as = call.in(a);
      long bs = call.in(b);
      long cs = call.out(c);
      call.launch(QUANT, "hx_gemm_int8", (long) m * n, as, bs, cs, m, n, k);
    }
  }
}
