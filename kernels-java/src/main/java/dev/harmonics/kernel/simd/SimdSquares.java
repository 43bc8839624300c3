package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.OptimizerVectors.DOUBLE;
import static dev.harmonics.kernel.simd.OptimizerVectors.FLOAT;
import static dev.harmonics.kernel.simd.OptimizerVectors.LANES;
import static dev.harmonics.kernel.simd.OptimizerVectors.addHighSquares;
import static dev.harmonics.kernel.simd.OptimizerVectors.addLowSquares;
import static dev.harmonics.kernel.simd.OptimizerVectors.get;
import static dev.harmonics.kernel.simd.OptimizerVectors.load;
import static dev.harmonics.kernel.simd.OptimizerVectors.set;
import static dev.harmonics.kernel.simd.OptimizerVectors.store;
import static dev.harmonics.kernel.simd.OptimizerVectors.sumLanes;

import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/** The two kernels of gradient-norm clipping: a reproducible float64 sum of squares; scaling. */
final class SimdSquares {

  private SimdSquares() {}

  /** {@code sum x * x} in float64, by fixed blocks added in order (see {@link OptimizerBlocks}). */
  static double sumOfSquares(Tensor tensor) {
    MemorySegment x = tensor.data();
    return OptimizerBlocks.sums(tensor.size(), 1, (from, to, out, at) -> {
      // Two accumulator pairs so consecutive fmas do not wait on each other.
      DoubleVector low0 = DoubleVector.zero(DOUBLE);
      DoubleVector high0 = DoubleVector.zero(DOUBLE);
      DoubleVector low1 = DoubleVector.zero(DOUBLE);
      DoubleVector high1 = DoubleVector.zero(DOUBLE);
      int i = from;
      for (int bound = from + FLOAT.loopBound((to - from) / 2) * 2; i < bound; i += 2 * LANES) {
        FloatVector a = load(x, i);
        FloatVector b = load(x, i + LANES);
        low0 = addLowSquares(a, low0);
        high0 = addHighSquares(a, high0);
        low1 = addLowSquares(b, low1);
        high1 = addHighSquares(b, high1);
      }
      double sum = sumLanes(low0) + sumLanes(high0) + sumLanes(low1) + sumLanes(high1);
      for (; i < to; i++) {
        double xi = get(x, i);
        sum += xi * xi;
      }
      out[at] = sum;
    })[0];
  }

  /** {@code x *= factor}, in place. */
  static void scale(Tensor tensor, float factor) {
    MemorySegment x = tensor.data();
    OptimizerBlocks.forEachRange(tensor.size(), (from, to) -> {
      int i = from;
      for (int bound = from + FLOAT.loopBound(to - from); i < bound; i += LANES) {
        store(load(x, i).mul(factor), x, i);
      }
      for (; i < to; i++) {
        set(x, i, get(x, i) * factor);
      }
    });
  }
}
