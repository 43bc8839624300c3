package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.QuantParams;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code y = x·W + b} in integer arithmetic: the activations are quantised per batch to an
 * asymmetric {@code bits}-bit grid, the weights are symmetric codes ({@link QuantizedWeights}),
 * the product runs in the kernels' int8 GEMM with int32 sums, and one pass rescales the sums to
 * float, removing the activations' zero point with the weights' column sums:
 * {@code y[i, j] = sx * sw * (acc[i, j] - zx * colsum(Wq)[j]) + b[j]}.
 */
final class Int8Matmul implements AutoCloseable {

  private final KernelProvider kernels;
  private final int bits;
  private final BatchBuffer codes;
  private final BatchBuffer sums;
  private int[] columnSums;
  private long columnSumsOf = -1;
  private long calls;

  Int8Matmul(KernelProvider kernels, int bits, int inFeatures, int outFeatures) {
    this.kernels = kernels;
    this.bits = bits;
    this.codes = new BatchBuffer(DType.INT8, inFeatures);
    this.sums = new BatchBuffer(DType.INT32, outFeatures);
  }

  /** How many products ran through the integer kernels (for tests and reports). */
  long calls() {
    return calls;
  }

  /**
   * Writes {@code y [rows, out]} from {@code x [rows, in]}, the quantised weights and an optional
   * bias.
   */
  void multiply(Tensor x, QuantizedWeights weights, long weightsVersion, Tensor bias, Tensor y) {
    int rows = x.dim(0);
    int out = y.dim(1);
    QuantParams xq = activationGrid(x);
    Tensor xCodes = codes.get(rows);
    kernels.quant().quantize(x, xq, xCodes);
    Tensor acc = sums.get(rows);
    Tensor wCodes = weights.codes();
    kernels.quant().gemmInt8(xCodes, wCodes, acc);
    calls++;
    if (columnSumsOf != weightsVersion || columnSums == null) {
      columnSums = columnSums(wCodes);
      columnSumsOf = weightsVersion;
    }
    float[] b = bias == null ? null : bias.toFloatArray();
    double rescale = (double) xq.scale() * weights.scale();
    int zero = xq.zeroPoint();
    MemorySegment accData = acc.data();
    MemorySegment yData = y.data();
    for (int i = 0; i < rows; i++) {
      long base = (long) i * out;
      for (int j = 0; j < out; j++) {
        long corrected = accData.getAtIndex(ValueLayout.JAVA_INT, base + j)
            - (long) zero * columnSums[j];
        double v = rescale * corrected + (b == null ? 0 : b[j]);
        yData.setAtIndex(ValueLayout.JAVA_FLOAT, base + j, (float) v);
      }
    }
  }

  /**
   * The asymmetric grid of {@code 2^bits} codes starting at -128 that covers the batch's range
   * (widened to include 0, so 0 is exactly representable).
   */
  private QuantParams activationGrid(Tensor x) {
    MemorySegment data = x.data();
    float min = 0;
    float max = 0;
    for (long i = 0, n = x.size(); i < n; i++) {
      float v = data.getAtIndex(ValueLayout.JAVA_FLOAT, i);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    int levels = (1 << bits) - 1;
    if (!(max > min) || !Float.isFinite(max - min)) {
      return new QuantParams(1f, -128);
    }
    float scale = (max - min) / levels;
    int zeroPoint = (int) Math.max(-128, Math.min(127, -128 + Math.round(-min / scale)));
    return new QuantParams(scale, zeroPoint);
  }

  private static int[] columnSums(Tensor wCodes) {
    int k = wCodes.dim(0);
    int n = wCodes.dim(1);
    byte[] w = wCodes.toByteArray();
    int[] sums = new int[n];
    for (int r = 0; r < k; r++) {
      for (int j = 0; j < n; j++) {
        sums[j] += w[r * n + j];
      }
    }
    return sums;
  }

  @Override
  public void close() {
    codes.close();
    sums.close();
  }
}
