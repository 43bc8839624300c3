package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.ffi.opencl.DeviceType;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.tensor.Tensor;

/**
 * GEMM on an OpenCL device ({@code gemm.cl}): on GPUs and accelerators the local-memory tiled
 * kernel; on CPU devices a kernel without barriers that leaves tiling to the caches (measured on
 * PoCL: the barrier version spills and runs several times slower there).
 */
final class OpenClGemm extends GemmKernels {

  /** Must match TILE and ROWS in gemm.cl. */
  private static final int TILE = 32;
  private static final int GROUP_ROWS = TILE / 4;
  /** Must match BLOCK in gemm.cl: each CPU work-item computes a BLOCK x BLOCK block of C. */
  private static final int BLOCK = 8;
  private static final int BLOCK_GROUP = 8;

  private final OpenClDevice device;
  private final boolean tiled;

  /** {@code tiled}: the local-memory kernel (GPUs, accelerators); else the blocked CPU kernel. */
  OpenClGemm(OpenClDevice device, boolean tiled) {
    this.device = device;
    this.tiled = tiled;
  }

  /** The kernel that suits {@code type}: tiled everywhere but on CPUs. */
  static boolean tiledFor(DeviceType type) {
    return type != DeviceType.CPU;
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

  private void launch(DeviceCall call, boolean transA, boolean transB, int batch, int m,
      int n, int k, float alpha, ClBuffer a, long aStride, ClBuffer b, long bStride, float beta,
      ClBuffer c, long cStride, ClBuffer bias, boolean hasBias, Activation activation,
      float activationAlpha) {
    if (!tiled) {
      String name = "gemm_blocked_" + (transA ? "t" : "n") + (transB ? "t" : "n");
      long[] global = {roundUp(ceilDiv(n, BLOCK), BLOCK_GROUP), ceilDiv(m, BLOCK), batch};
      call.run(call.kernel(Program.GEMM, name), global, new long[] {BLOCK_GROUP, 1, 1}, m, n,
          k, alpha, a, aStride, b, bStride, beta, c, cStride, bias, hasBias ? 1 : 0,
          activation.ordinal(), activationAlpha);
      return;
    }
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
