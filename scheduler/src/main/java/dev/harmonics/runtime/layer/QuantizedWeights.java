package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.QuantParams;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;

/**
 * A weight parameter snapped to a symmetric grid of {@code 2^(bits-1) - 1} levels each side of 0,
 * for evaluation at reduced precision. Refreshed lazily when the parameter's version changes
 * (after an optimizer step or a load), so quantising costs nothing per batch.
 *
 * <p>Up to 8 bits the codes are int8 from the kernels' {@code quantize} ({@link #codes()}), which
 * integer GEMM consumes; {@link #values()} holds the same grid dequantised to float for layers
 * without an integer kernel. From 9 to 31 bits the grid is computed here in double precision
 * (no integer kernel holds such codes).
 */
final class QuantizedWeights implements AutoCloseable {

  private final Parameter weights;
  private final KernelProvider kernels;
  private final int bits;
  private Tensor codes;
  private Tensor values;
  private float scale;
  private long version = -1;

  QuantizedWeights(Parameter weights, KernelProvider kernels, int bits) {
    this.weights = weights;
    this.kernels = kernels;
    this.bits = bits;
  }

  /** The largest code magnitude of a {@code bits}-bit symmetric grid. */
  static int maxCode(int bits) {
    return (1 << (bits - 1)) - 1;
  }

  /** The int8 codes (only for {@code bits <= 8}). */
  Tensor codes() {
    refresh();
    return codes;
  }

  /** The weights on the grid, as float32. */
  Tensor values() {
    refresh();
    return values;
  }

  /** The grid step: a weight is {@code code * scale}. */
  float scale() {
    refresh();
    return scale;
  }

  private void refresh() {
    if (version == weights.version() && values != null) {
      return;
    }
    Tensor w = weights.value();
    float[] raw = w.toFloatArray();
    double maxAbs = 0;
    for (float v : raw) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    scale = maxAbs == 0 ? 1f : (float) (maxAbs / maxCode(bits));
    if (values == null) {
      values = Tensor.zeros(w.shape());
    }
    if (bits <= 8) {
      if (codes == null) {
        codes = Tensor.allocate(DType.INT8, w.shape());
      }
      QuantParams params = new QuantParams(scale, 0);
      kernels.quant().quantize(w, params, codes);
      kernels.quant().dequantize(codes, params, values);
    } else {
      float[] snapped = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        snapped[i] = (float) (Math.rint(raw[i] / (double) scale) * scale);
      }
      values.copyFrom(snapped);
    }
    version = weights.version();
  }

  @Override
  public void close() {
    if (codes != null) {
      codes.close();
    }
    if (values != null) {
      values.close();
    }
  }
}
