package dev.harmonics.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.harmonics.tensor.Tensor;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Checks an analytic gradient against central finite differences computed in float64.
 *
 * <p>The scalar being differentiated is {@code loss(input)}, evaluated by running the forward
 * kernel in float32 and summing in float64 (usually as {@code sum(output * upstream)} with a fixed
 * random upstream gradient). Each input element is nudged by {@code ±h}, restored afterwards.
 */
public final class GradientCheck {

  private GradientCheck() {}

  /** Numerical d(loss)/d(input[i]) for every element of {@code input}, in float64. */
  public static double[] numericalGradient(Tensor input, ToDoubleFunction<Tensor> loss, double h) {
    int n = input.size();
    double[] grad = new double[n];
    for (int i = 0; i < n; i++) {
      float original = input.getFlat(i);
      input.setFlat(i, (float) (original + h));
      double plus = loss.applyAsDouble(input);
      input.setFlat(i, (float) (original - h));
      double minus = loss.applyAsDouble(input);
      input.setFlat(i, original);
      double actualStep = ((double) (float) (original + h)) - ((double) (float) (original - h));
      grad[i] = (plus - minus) / actualStep;
    }
    return grad;
  }

  /** {@code sum(output * weights)} in float64: the usual scalar for checking a backward kernel. */
  public static double dot(Tensor output, Tensor weights) {
    float[] o = output.toFloatArray();
    float[] w = weights.toFloatArray();
    double s = 0;
    for (int i = 0; i < o.length; i++) {
      s += (double) o[i] * w[i];
    }
    return s;
  }

  /**
   * Fails unless {@code analytic} is d(sum(y * up))/d(input) within {@code abs + rel * |numerical|},
   * the numerical gradient taken with step {@code h}; {@code forward} recomputes {@code y} from the
   * nudged input it is given.
   */
  public static void assertUpstreamGradient(Tensor input, Consumer<Tensor> forward, Tensor y,
      Tensor up, Tensor analytic, double h, double abs, double rel, String what) {
    double[] numeric = numericalGradient(input, t -> {
      forward.accept(t);
      return dot(y, up);
    }, h);
    assertGradient(numeric, analytic, abs, rel, what);
  }

  /** Fails unless {@code |analytic - numerical| <= abs + rel * |numerical|} element-wise. */
  public static void assertGradient(double[] numerical, Tensor analytic, double abs, double rel,
      String what) {
    float[] a = analytic.toFloatArray();
    if (a.length != numerical.length) {
      fail(what + ": gradient has " + a.length + " elements (expected " + numerical.length + ")");
    }
    for (int i = 0; i < a.length; i++) {
      double tolerance = abs + rel * Math.abs(numerical[i]);
      if (!(Math.abs(a[i] - numerical[i]) <= tolerance)) {
        fail(what + ": d/dx[" + i + "] is " + a[i] + " (finite difference " + numerical[i]
            + ", tolerance " + tolerance + ")");
      }
    }
  }
}
