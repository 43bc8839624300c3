package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.tensor.Tensor;

/** Quantisation and int8 GEMM on an OpenCL device. */
final class OpenClQuant extends QuantKernels {

  private final OpenClDevice device;

  OpenClQuant(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void doQuantize(Tensor x, float scale, int zeroPoint, Tensor q) {
    long n = x.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "quantize"), new long[] {n},
        null, call.in(x), scale, zeroPoint, call.out(q), n));
  }

  @Override
  protected void doDequantize(Tensor q, float scale, int zeroPoint, Tensor x) {
    long n = q.size();
    device.execute(call -> call.run(call.kernel(Program.POINTWISE, "dequantize"), new long[] {n},
        null, call.in(q), scale, zeroPoint, call.out(x), n));
  }

  @Override
  protected void doGemmInt8(int m, int n, int k, Tensor a, Tensor b, Tensor c) {
    device.execute(call -> call.run(call.kernel(Program.GEMM, "gemm_int8"),
        new long[] {n, m}, null, m, n, k, call.in(a), call.in(b), call.out(c)));
  }
}
