package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.Activation;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Finishes float32 GEMM blocks into C: {@code alpha·AB + beta·C} on the first K slice, {@code +=
 * alpha·AB} on later ones, and on the last slice the bias and the activation. ReLU, leaky ReLU and
 * PReLU run as vector code; other activations use the scalar {@link Activation#apply} on the row
 * just written, still in L1.
 */
final class GemmEpilogue implements TileSink {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private enum Mode { NONE, RELU, LEAKY, SCALAR }

  private final MemorySegment c;
  private final long cBase;
  private final int ldc;
  private final float alpha;
  private final float beta;
  private final float[] bias;
  private final Activation activation;
  private final float activationAlpha;
  private final Mode mode;

  /**
   * @param c the segment holding C, whose element {@code (i, j)} is at {@code cBase + i * ldc + j}
   * @param bias one value per column of C, or {@code null}
   */
  GemmEpilogue(MemorySegment c, long cBase, int ldc, float alpha, float beta, float[] bias,
      Activation activation, float activationAlpha) {
    this.c = c;
    this.cBase = cBase;
    this.ldc = ldc;
    this.alpha = alpha;
    this.beta = beta;
    this.bias = bias;
    this.activation = activation;
    this.activationAlpha = activationAlpha;
    this.mode = switch (activation) {
      case IDENTITY -> Mode.NONE;
      case RELU -> Mode.RELU;
      case LEAKY_RELU, PRELU -> Mode.LEAKY;
      default -> Mode.SCALAR;
    };
  }

  /** The same epilogue writing to the C matrix at element {@code cBase} of the same segment. */
  GemmEpilogue at(long base) {
    return new GemmEpilogue(c, base, ldc, alpha, beta, bias, activation, activationAlpha);
  }

  /**
   * Sets C to {@code beta·C + bias}, activated: the whole result when {@code alpha == 0} or {@code
   * K == 0}, where BLAS does not form the product.
   */
  void scaleOnly(int m, int n, float[] zeros) {
    GemmEpilogue noProduct =
        new GemmEpilogue(c, cBase, ldc, 0f, beta, bias, activation, activationAlpha);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j += zeros.length) {
        noProduct.store(zeros, 0, 0, 1, Math.min(zeros.length, n - j), i, j, true, true);
      }
    }
  }

  @Override
  public void store(float[] tile, int tileOffset, int tileStride, int rows, int cols, int row,
      int col, boolean first, boolean last) {
    boolean readOld = !first || beta != 0f;
    FloatVector oldScale = FloatVector.broadcast(S, first ? beta : 1f);
    for (int r = 0; r < rows; r++) {
      long rowStart = (cBase + (long) (row + r) * ldc + col) * Float.BYTES;
      MemorySegment out = c.asSlice(rowStart, 4L * cols);
      int t = tileOffset + r * tileStride;
      int j = 0;
      for (int bound = S.loopBound(cols); j < bound; j += L) {
        long at = (long) j * Float.BYTES;
        FloatVector v = FloatVector.fromArray(S, tile, t + j).mul(alpha);
        if (readOld) {
          v = FloatVector.fromMemorySegment(S, out, at, ORDER).fma(oldScale, v);
        }
        if (last) {
          if (bias != null) {
            v = v.add(FloatVector.fromArray(S, bias, col + j));
          }
          v = activate(v);
        }
        v.intoMemorySegment(out, at, ORDER);
      }
      if (j < cols) {
        VectorMask<Float> mask = S.indexInRange(j, cols);
        long at = (long) j * Float.BYTES;
        FloatVector v = FloatVector.fromArray(S, tile, t + j, mask).mul(alpha);
        if (readOld) {
          v = FloatVector.fromMemorySegment(S, c, rowStart + at, ORDER, mask).fma(oldScale, v);
        }
        if (last) {
          if (bias != null) {
            v = v.add(FloatVector.fromArray(S, bias, col + j, mask));
          }
          v = activate(v);
        }
        v.intoMemorySegment(c, rowStart + at, ORDER, mask);
      }
      if (last && mode == Mode.SCALAR) {
        for (int x = 0; x < cols; x++) {
          long at = (long) x * Float.BYTES;
          float value = out.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
          out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, activation.apply(value, activationAlpha));
        }
      }
    }
  }

  private FloatVector activate(FloatVector v) {
    return switch (mode) {
      case RELU -> v.max(0f);
      case LEAKY -> v.blend(v.mul(activationAlpha), v.compare(VectorOperators.LT, 0f));
      case NONE, SCALAR -> v;
    };
  }
}
