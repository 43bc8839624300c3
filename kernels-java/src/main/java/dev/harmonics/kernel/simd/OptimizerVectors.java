package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element access and float64 accumulation shared by the optimizer kernels.
 *
 * <p>Squares are accumulated lane by lane in float64: each float vector is widened into two double
 * vectors ({@link #DOUBLE} has the same bit size, so half the lanes) before squaring, which keeps
 * full precision and cannot overflow. Lanes are added in a fixed order at the end of a block rather
 * than with {@code reduceLanes}, whose order is unspecified and may differ between the interpreter
 * and compiled code.
 */
final class OptimizerVectors {

  static final VectorSpecies<Float> FLOAT = SimdSpecies.FLOAT;
  static final VectorSpecies<Double> DOUBLE =
      VectorSpecies.of(double.class, SimdSpecies.FLOAT.vectorShape());
  static final int LANES = SimdSpecies.LANES;

  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  private OptimizerVectors() {}

  static FloatVector load(MemorySegment s, int i) {
    return FloatVector.fromMemorySegment(FLOAT, s, (long) i * Float.BYTES, ORDER);
  }

  static void store(FloatVector v, MemorySegment s, int i) {
    v.intoMemorySegment(s, (long) i * Float.BYTES, ORDER);
  }

  /**
   * Optimizer state below the smallest normal float, as 0. A parameter whose gradient stays 0 has
   * its moments multiplied by beta every step and would have them subnormal within a few hundred
   * steps, after which every step on them costs an x86 core a microcode assist per vector (Adam
   * measured 23 times slower). What is dropped is under 1.2e-38; the reference kernels keep it.
   */
  static FloatVector flushed(FloatVector state) {
    return state.blend(0f, state.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
  }

  /** The scalar tails' {@link #flushed(FloatVector)}. */
  static float flushed(float state) {
    return Math.abs(state) < Float.MIN_NORMAL ? 0f : state;
  }

  static float get(MemorySegment s, int i) {
    return s.getAtIndex(F, i);
  }

  static void set(MemorySegment s, int i, float value) {
    s.setAtIndex(F, i, value);
  }

  /** Lanes {@code 0 .. LANES/2 - 1} of {@code v}, widened. */
  static DoubleVector lowHalf(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLE, 0);
  }

  /** Lanes {@code LANES/2 .. LANES - 1} of {@code v}, widened. */
  static DoubleVector highHalf(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLE, 1);
  }

  /** {@code acc + x * x} for the widened low half of {@code x}. */
  static DoubleVector addLowSquares(FloatVector x, DoubleVector acc) {
    DoubleVector d = lowHalf(x);
    return d.fma(d, acc);
  }

  /** {@code acc + x * x} for the widened high half of {@code x}. */
  static DoubleVector addHighSquares(FloatVector x, DoubleVector acc) {
    DoubleVector d = highHalf(x);
    return d.fma(d, acc);
  }

  /** The lanes of {@code v} added in lane order, the same way in every execution mode. */
  static double sumLanes(DoubleVector v) {
    double sum = 0;
    for (int lane = 0; lane < v.length(); lane++) {
      sum += v.lane(lane);
    }
    return sum;
  }
}
