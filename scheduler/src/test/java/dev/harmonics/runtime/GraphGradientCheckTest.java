package dev.harmonics.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.graph.BatchNorm;
import dev.harmonics.graph.Conv2d;
import dev.harmonics.graph.Dense;
import dev.harmonics.graph.Dropout;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.Embedding;
import dev.harmonics.graph.Flatten;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNorm;
import dev.harmonics.graph.Loss;
import dev.harmonics.graph.MultiHeadAttention;
import dev.harmonics.graph.Pool2d;
import dev.harmonics.graph.ProducerNode;
import dev.harmonics.graph.Shape;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation through whole graphs against central finite differences of the loss. For each
 * parameter tensor the analytic directional derivative {@code g·v} along a random unit direction
 * {@code v} must match {@code (L(p + hv) - L(p - hv)) / 2h}. Runs on the reference backend (the
 * oracle); the loss is float32, so {@code h = 1e-3} and the tolerance is {@code 2e-3 + 3%}:
 * float32 rounding of a loss near 1 moves the quotient by about {@code 1e-7 / 2e-3 = 5e-5}, and
 * the second-order term of a smooth function is far smaller; a wrong gradient is off by its own
 * size. Every layer kind and every arrow kind the runtime compiles appears in some graph.
 */
class GraphGradientCheckTest {

  private static final double H = 1e-3;
  private static final double ABSOLUTE = 2e-3;
  private static final double RELATIVE = 0.03;

  static Stream<Arguments> graphs() {
    return Stream.of(
        Arguments.of("dense, tanh, fused softmax cross-entropy", HarmonicGraph.builder("mlp")
            .producer("x", Shape.of(6)).producer("labels", Shape.of(1))
            .layer("h", Dense.of(5)).layer("out", Dense.of(4)).consumer("p")
            .flow("x").to("h").to(EdgeActivation.TANH, "out").to(EdgeActivation.SOFTMAX, "p")
            .done().lossTap("p", Loss.CROSS_ENTROPY, "labels").build()),
        Arguments.of("gelu, softplus, mse", HarmonicGraph.builder("regression")
            .producer("x", Shape.of(4)).producer("t", Shape.of(2))
            .layer("h", Dense.of(3)).layer("y", Dense.of(2)).consumer("out")
            .flow("x").to(EdgeActivation.SOFTPLUS, "h").to(EdgeActivation.GELU, "y").to("out")
            .done().lossTap("out", Loss.MSE, "t").build()),
        Arguments.of("conv, relu, max pool, flatten", HarmonicGraph.builder("cnn")
            .producer("img", Shape.of(2, 6, 6)).producer("labels", Shape.of(1))
            .layer("conv", new Conv2d(3, 3, 1, 1, 1, 1, true)).layer("pool", Pool2d.max(2))
            .layer("flat", new Flatten()).layer("out", Dense.of(3)).consumer("p")
            .flow("img").to("conv").to(EdgeActivation.RELU, "pool").to("flat").to("out")
            .to(EdgeActivation.SOFTMAX, "p").done()
            .lossTap("p", Loss.CROSS_ENTROPY, "labels").build()),
        Arguments.of("batch norm, elu, avg pool, layer norm, prelu",
            HarmonicGraph.builder("norms")
                .producer("img", Shape.of(3, 4, 4)).producer("labels", Shape.of(1))
                .layer("bn", BatchNorm.defaults()).layer("pool", Pool2d.avg(2))
                .layer("flat", new Flatten()).layer("ln", LayerNorm.defaults())
                .layer("out", Dense.of(3)).consumer("p")
                .flow("img").to("bn").to(EdgeActivation.ELU, "pool").to("flat").to("ln")
                .to(EdgeActivation.PRELU, "out").to(EdgeActivation.SOFTMAX, "p").done()
                .lossTap("p", Loss.CROSS_ENTROPY, "labels").build()),
        Arguments.of("multi-head attention", HarmonicGraph.builder("attention")
            .producer("seq", Shape.of(4, 6)).producer("labels", Shape.of(1))
            .layer("attn", new MultiHeadAttention(2, 6, true)).layer("flat", new Flatten())
            .layer("out", Dense.of(3)).consumer("p")
            .flow("seq").to("attn").to(EdgeActivation.SELU, "flat").to("out")
            .to(EdgeActivation.SOFTMAX, "p").done()
            .lossTap("p", Loss.CROSS_ENTROPY, "labels").build()),
        Arguments.of("embedding", HarmonicGraph.builder("tokens")
            .producer("tokens", Shape.of(5)).producer("labels", Shape.of(1))
            .layer("embed", new Embedding(7, 3)).layer("flat", new Flatten())
            .layer("out", Dense.of(3)).consumer("p")
            .flow("tokens").to("embed").to("flat").to(EdgeActivation.SIGMOID, "out")
            .to(EdgeActivation.SOFTMAX, "p").done()
            .lossTap("p", Loss.CROSS_ENTROPY, "labels").build()),
        Arguments.of("fan-out into two taps, sigmoid cross-entropy, dropout",
            HarmonicGraph.builder("fanout")
                .producer("x", Shape.of(4)).producer("labels", Shape.of(1))
                .producer("t", Shape.of(2))
                .layer("h", Dense.of(5)).layer("drop", new Dropout(0.3))
                .layer("a", Dense.of(3)).layer("b", Dense.of(2))
                .consumer("pa").consumer("pb")
                .flow("x").to("h").to(EdgeActivation.TANH, "drop").to("a")
                .to(EdgeActivation.SOFTMAX, "pa").done()
                .flow("h").to(EdgeActivation.LEAKY_RELU, "b").to(EdgeActivation.SIGMOID, "pb")
                .done()
                .lossTap("pa", Loss.CROSS_ENTROPY, "labels")
                .lossTap("pb", Loss.CROSS_ENTROPY, "t").build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("graphs")
  void gradientsMatchFiniteDifferences(String description, HarmonicGraph graph) {
    Random random = new Random(description.hashCode());
    try (CycleRuntime runtime = CycleRuntime.compile(graph,
        KernelProviders.of(Backend.REFERENCE), 5)) {
      Map<String, Tensor> inputs = inputs(graph, runtime, random, 3);
      runtime.lossAndGradients(inputs);
      List<String> failures = new ArrayList<>();
      for (Parameter p : runtime.parameters()) {
        float[] original = p.value().toFloatArray();
        float[] grad = p.grad().toFloatArray();
        float[] direction = unitDirection(original.length, random);
        double analytic = 0;
        for (int i = 0; i < grad.length; i++) {
          analytic += (double) grad[i] * direction[i];
        }
        double plus = lossAt(runtime, inputs, p, original, direction, H);
        double minus = lossAt(runtime, inputs, p, original, direction, -H);
        p.value().copyFrom(original);
        double numeric = (plus - minus) / (2 * H);
        if (Math.abs(analytic - numeric) > ABSOLUTE + RELATIVE * Math.abs(numeric)) {
          failures.add(p.name() + ": analytic " + analytic + ", numeric " + numeric);
        }
      }
      inputs.values().forEach(Tensor::close);
      assertTrue(failures.isEmpty(), description + ": " + failures);
    }
  }

  private static double lossAt(CycleRuntime runtime, Map<String, Tensor> inputs, Parameter p,
      float[] original, float[] direction, double step) {
    float[] moved = new float[original.length];
    for (int i = 0; i < moved.length; i++) {
      moved[i] = (float) (original[i] + step * direction[i]);
    }
    p.value().copyFrom(moved);
    return runtime.trainingLoss(inputs);
  }

  private static float[] unitDirection(int n, Random random) {
    float[] v = new float[n];
    double norm = 0;
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < n; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  /**
   * Random inputs for every producer: class indices for class-index targets, token indices for
   * the embedding graph, probabilities in (0, 1) for the sigmoid target, normals otherwise.
   */
  private static Map<String, Tensor> inputs(HarmonicGraph graph, CycleRuntime runtime,
      Random random, int batch) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (ProducerNode node : graph.producers()) {
      int[] shape = node.shape().dims();
      int elements = node.shape().elements();
      float[] values = new float[batch * elements];
      boolean classIndex = graph.lossTaps().stream().anyMatch(t -> t.target().equals(node.name())
          && t.encoding() == dev.harmonics.graph.LossTap.TargetEncoding.CLASS_INDEX);
      for (int i = 0; i < values.length; i++) {
        values[i] = classIndex ? random.nextInt(3)
            : node.name().equals("tokens") ? random.nextInt(7)
            : node.name().equals("t") ? 0.1f + 0.8f * random.nextFloat()
            : (float) random.nextGaussian();
      }
      int[] batched = new int[shape.length + 1];
      batched[0] = batch;
      System.arraycopy(shape, 0, batched, 1, shape.length);
      inputs.put(node.name(), Tensor.of(values, batched));
    }
    return inputs;
  }

}
