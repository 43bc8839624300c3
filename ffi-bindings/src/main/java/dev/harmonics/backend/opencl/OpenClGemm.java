package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.tensor.Tensor;

/** GEMM on an OpenCL device: the local-memory tiled kernel of {@code gemm.cl}. */
final class OpenClGemm extends GemmKernels {

  /** Must match TILE and ROWS in gemm.cl. */
  private static final int TILE = 32;
  private static final int GROUP_ROWS = TILE / 4;

  private final OpenClDevice device;

  OpenClGemm(OpenClDevice device) {
    this.device = device;
  }

  @Override
  protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c, Tensor bias, Activation activation,
      float activationAlpha) {
    device.execute(call -> {
      ClBuffer cb = beta != 0 ? call.inOut(c) : call.out(c);
      ClBuffer biasBuffer = bias != null ? call.in(bias) : call.scratch(4);
      launch(call, transA, transB, 1, m, n, k, alpha, call.in(a), 0, call.in(b), 0, beta, cb,
          0, biasBuffer, bias != null, activation, activationAlpha);
    });
  }

  @Override
  protected void doBatchedMatmul(boolean transA, boolean transB, int batch, int m, int n, int k,
      Tensor a, Tensor b, boolean broadcastB, Tensor c) {
    device.execute(call -> launch(call, transA, transB, batch, m, n, k, 1f, call.in(a),
        (long) m * k, call.in(b), broadcastB ? 0 : (long) k * n, 0f, call.out(c), (long) m * n,
        call.scratch(4), false, Activation.IDENTITY, 0f));
  }

  private static void launch(DeviceCall call, boolean transA, boolean transB, int batch, int m,
      int n, int k, float alpha, ClBuffer a, long aStride, ClBuffer b, long bStride, float beta,
      ClBuffer c, long cStride, ClBuffer bias, boolean hasBias, Activation activation,
      float activationAlpha) {
    long[] global = {roundUp(n, TILE), (long) ceilDiv(m, TILE) * GROUP_ROWS, batch};
    call.run(call.kernel(Program.GEMM, "gemm"), global, new long[] {TILE, GROUP_ROWS, 1},
        transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, aStride, b, bStride, beta, c,
        cStride, bias, hasBias ? 1 : 0, activation.ordinal(), activationAlpha);
  }

  private static int ceilDiv(int value, int divisor) {
    return (value + divisor - 1) / divisor;
  }

  private static long roundUp(int value, int multiple) {
    return (long) ceilDiv(value, multiple) * multiple;
  }
}
