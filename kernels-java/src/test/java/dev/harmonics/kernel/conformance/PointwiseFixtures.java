package dev.harmonics.kernel.conformance;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * Shapes and tensors shared by the activation, elementwise and reduction suites. The tensors live
 * in the caller's arena. The {@code In} suffix is needed because the suites inherit tracked {@code
 * of}, {@code zeros} and {@code uniform}, and an inherited method hides a static import.
 */
final class PointwiseFixtures {

  private PointwiseFixtures() {}

  /** Every awkward length as a 1-d shape, plus random shapes of rank 0 to 4. */
  static List<int[]> shapes(RandomTensors random, int randomCount) {
    List<int[]> shapes = new ArrayList<>();
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      shapes.add(new int[] {n});
    }
    shapes.add(new int[0]);
    for (int i = 0; i < randomCount; i++) {
      shapes.add(randomShape(random, random.between(1, 4), 9));
    }
    return shapes;
  }

  static int[] randomShape(RandomTensors random, int rank, int maxDim) {
    int[] shape = new int[rank];
    for (int d = 0; d < rank; d++) {
      shape[d] = random.between(1, maxDim);
    }
    return shape;
  }

  /** An off-heap tensor in {@code arena} holding {@code values}. */
  static Tensor ofIn(Arena arena, float[] values, int... shape) {
    return Tensor.allocate(arena, DType.FLOAT32, shape).copyFrom(values);
  }

  /** An off-heap tensor of uniform values in [lo, hi). */
  static Tensor uniformIn(Arena arena, RandomTensors random, float lo, float hi, int... shape) {
    Tensor t = Tensor.allocate(arena, DType.FLOAT32, shape);
    return t.copyFrom(random.uniformArray(t.size(), lo, hi));
  }

  static Tensor zerosIn(Arena arena, int... shape) {
    return Tensor.allocate(arena, DType.FLOAT32, shape);
  }

  /** Values of magnitude in [gap, hi), so finite differences stay away from a kink at 0. */
  static Tensor awayFromZero(
      Arena arena, RandomTensors random, float gap, float hi, int... shape) {
    Tensor t = uniformIn(arena, random, gap, hi, shape);
    for (int i = 0; i < t.size(); i++) {
      if (random.nextBoolean()) {
        t.setFlat(i, -t.getFlat(i));
      }
    }
    return t;
  }
}
