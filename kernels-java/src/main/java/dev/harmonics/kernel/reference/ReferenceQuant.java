package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-Java quantisation kernels: the ground truth in tests. */
final class ReferenceQuant extends QuantKernels {

  @Override
  protected void doQuantize(Tensor x, float scale, int zeroPoint, Tensor q) {
    MemorySegment in = x.data();
    MemorySegment out = q.data();
    for (long i = 0, n = x.size(); i < n; i++) {
      out.set(ValueLayout.JAVA_BYTE, i,
          quantize(in.getAtIndex(ValueLayout.JAVA_FLOAT, i), scale, zeroPoint));
    }
  }

  /** One value, exactly as {@link QuantKernels} defines it. */
  static byte quantize(float x, float scale, int zeroPoint) {
    float scaled = x / scale;
    if (Float.isNaN(scaled)) {
      return (byte) zeroPoint;
    }
    double rounded = Math.rint(scaled) + zeroPoint;
    return (byte) Math.clamp(rounded, Byte.MIN_VALUE, Byte.MAX_VALUE);
  }

  @Override
  protected void doDequantize(Tensor q, float scale, int zeroPoint, Tensor x) {
    MemorySegment in = q.data();
    MemorySegment out = x.data();
    for (long i = 0, n = q.size(); i < n; i++) {
      out.setAtIndex(ValueLayout.JAVA_FLOAT, i,
          (float) (in.get(ValueLayout.JAVA_BYTE, i) - zeroPoint) * scale);
    }
  }

  @Override
  protected void doGemmInt8(int m, int n, int k, Tensor a, Tensor b, Tensor c) {
    MemorySegment as = a.data();
    MemorySegment bs = b.data();
    MemorySegment cs = c.data();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        long sum = 0;
        for (int p = 0; p < k; p++) {
          sum += as.get(ValueLayout.JAVA_BYTE, (long) i * k + p)
              * bs.get(ValueLayout.JAVA_BYTE, (long) p * n + j);
        }
        int saturated = Math.clamp(sum, Integer.MIN_VALUE, Integer.MAX_VALUE);
        cs.setAtIndex(ValueLayout.JAVA_INT, (long) i * n + j, saturated);
      }
    }
  }
}
