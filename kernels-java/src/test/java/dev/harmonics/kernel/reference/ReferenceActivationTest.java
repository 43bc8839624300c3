package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.ActivationConformance;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reference through the conformance suite (gradients, validation), plus worked examples. */
class ReferenceActivationTest extends ActivationConformance {

  private static final float INF = Float.POSITIVE_INFINITY;

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  private static float[] forward(Activation f, float alpha, float... x) {
    Tensor y = Tensor.wrap(new float[x.length], x.length);
    kernels().forward(f, alpha, Tensor.wrap(x, x.length), y);
    return y.toFloatArray();
  }

  private static float[] slope(Activation f, float alpha, float... x) {
    Tensor dx = Tensor.wrap(new float[x.length], x.length);
    float[] ones = new float[x.length];
    Arrays.fill(ones, 1f);
    Tensor xs = Tensor.wrap(x, x.length);
    Tensor y = Tensor.wrap(forward(f, alpha, x), x.length);
    kernels().backward(f, alpha, xs, y, Tensor.wrap(ones, x.length), dx);
    return dx.toFloatArray();
  }

  private static ActivationKernels kernels() {
    return KernelProviders.of(Backend.REFERENCE).activations();
  }

  @Test
  void reluFamilyByHand() {
    assertArrayEquals(new float[] {0, 0, 2, 0}, forward(Activation.RELU, 0, -1, 0, 2, -INF));
    assertArrayEquals(new float[] {0, 0, 1}, slope(Activation.RELU, 0, -1, 0, 2));
    assertArrayEquals(new float[] {-0.1f, 0, 2}, forward(Activation.LEAKY_RELU, 0.1f, -1, 0, 2));
    assertArrayEquals(new float[] {0.1f, 0.1f, 1}, slope(Activation.LEAKY_RELU, 0.1f, -1, 0, 2));
    assertArrayEquals(new float[] {-0.25f, 3}, forward(Activation.PRELU, 0.25f, -1, 3));
  }

  @Test
  void exponentialFamilyByHand() {
    assertEquals(-0.605265301734371077f, forward(Activation.ELU, 0.7f, -2)[0]);
    assertEquals(0.7f * (float) Math.exp(-2), slope(Activation.ELU, 0.7f, -2)[0], 1e-8f);
    assertEquals(0.7f, slope(Activation.ELU, 0.7f, 0)[0], "left-hand derivative at the kink");
    assertEquals(-1.11133073781256276f, forward(Activation.SELU, 0, -1)[0]);
    assertEquals(1.0507009873554805f, forward(Activation.SELU, 0, 1)[0]);
    assertEquals(9.35762296883929895e-14f, forward(Activation.SIGMOID, 0, -30)[0]);
    assertEquals(9.35762296883842330e-14f, slope(Activation.SIGMOID, 0, 30)[0]);
    assertEquals(0.5f, forward(Activation.SIGMOID, 0, 0)[0]);
    assertEquals(8.2446144557673973746e-9f, slope(Activation.TANH, 0, 10)[0]);
    assertEquals(2.06115362031438070e-9f, forward(Activation.SOFTPLUS, 0, -20)[0]);
    assertEquals(2.12692801104297249f, forward(Activation.SOFTPLUS, 0, 2)[0]);
    assertEquals((float) Math.log(2), forward(Activation.SOFTPLUS, 0, 0)[0]);
  }

  @Test
  void geluByHand() {
    assertEquals(0.841344746068542948f, forward(Activation.GELU_ERF, 0, 1)[0]);
    assertEquals(-0.00404969409489028358f, forward(Activation.GELU_ERF, 0, -3)[0]);
    assertEquals(-7.61985302416052606e-23f, forward(Activation.GELU_ERF, 0, -10)[0]);
    assertEquals(1.08331547058768629f, slope(Activation.GELU_ERF, 0, 1)[0]);
    assertEquals(0.841191990608276704f, forward(Activation.GELU_TANH, 0, 1)[0]);
    assertEquals(-0.00363739208177301884f, forward(Activation.GELU_TANH, 0, -3)[0]);
  }

  @Test
  void limitsAtInfinity() {
    assertArrayEquals(new float[] {1, -1}, forward(Activation.SOFTSIGN, 0, INF, -INF));
    assertArrayEquals(new float[] {INF, 0}, forward(Activation.GELU_ERF, 0, INF, -INF));
    assertArrayEquals(new float[] {INF, 0}, forward(Activation.GELU_TANH, 0, INF, -INF));
    assertArrayEquals(new float[] {1, 0}, slope(Activation.GELU_ERF, 0, INF, -INF));
    assertArrayEquals(new float[] {1, 0}, slope(Activation.GELU_TANH, 0, INF, -INF));
    assertArrayEquals(new float[] {0, 0}, slope(Activation.SOFTSIGN, 0, INF, -INF));
    assertArrayEquals(new float[] {INF, -0.7f}, forward(Activation.ELU, 0.7f, INF, -INF));
  }

  @Test
  void preluByHand() {
    // x: [N=2, C=2, 2], slopes 0.5 and 0.25
    Tensor x = Tensor.wrap(new float[] {-2, 1, 3, -4, -1, -1, 2, 0}, 2, 2, 2);
    Tensor slope = Tensor.wrap(new float[] {0.5f, 0.25f}, 2);
    Tensor y = Tensor.wrap(new float[8], 2, 2, 2);
    kernels().preluForward(x, slope, y);
    assertArrayEquals(new float[] {-1, 1, 3, -1, -0.5f, -0.5f, 2, 0}, y.toFloatArray());
    Tensor dy = Tensor.wrap(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, 2, 2, 2);
    Tensor dx = Tensor.wrap(new float[8], 2, 2, 2);
    Tensor dslope = Tensor.wrap(new float[2], 2);
    kernels().preluBackward(x, slope, dy, dx, dslope);
    assertArrayEquals(new float[] {0.5f, 1, 1, 0.25f, 1, 1, 2, 0.5f}, dx.toFloatArray());
    // channel 0: -2*1 + -1*2 + -1*2 = -6; channel 1: -4*1 + 0*2 = -4
    assertArrayEquals(new float[] {-6, -4}, dslope.toFloatArray());
  }
}
