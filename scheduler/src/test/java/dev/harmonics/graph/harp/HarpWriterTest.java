package dev.harmonics.graph.harp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.graph.BatchNorm;
import dev.harmonics.graph.Conv2d;
import dev.harmonics.graph.Dense;
import dev.harmonics.graph.Dropout;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.Embedding;
import dev.harmonics.graph.ExampleGraphs;
import dev.harmonics.graph.Flatten;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNorm;
import dev.harmonics.graph.Loss;
import dev.harmonics.graph.MultiHeadAttention;
import dev.harmonics.graph.Pool2d;
import dev.harmonics.graph.Ratio;
import dev.harmonics.graph.Shape;
import dev.harmonics.graph.tools.CanonicalForm;
import org.junit.jupiter.api.Test;

class HarpWriterTest {

  private static void roundTrips(HarmonicGraph graph) {
    String text = HarpWriter.write(graph);
    assertEquals(CanonicalForm.of(graph), CanonicalForm.of(HarpParser.parse(text, "written")),
        text);
  }

  @Test
  void examplesRoundTrip() {
    roundTrips(ExampleGraphs.mlp());
    roundTrips(ExampleGraphs.cnn());
  }

  @Test
  void everyLayerKindSettingAndActivationRoundTrips() {
    HarmonicGraph graph = HarmonicGraph.builder("all_kinds")
        .producer("tokens", Shape.of(12))
        .producer("targets", Shape.of(12, 50))
        .producer("image", Shape.of(4, 17, 17))
        .producer("values", new Ratio(3, 4, "image"))
        .layer("embed", new Embedding(50, 32))
        .layer("attend", new MultiHeadAttention(4, 32, false))
        .layer("norm", new LayerNorm(1e-6))
        .layer("drop", new Dropout(0.125))
        .layer("vocab", new Dense(50, false))
        .consumer("p")
        .flow("tokens").to("embed").to(EdgeActivation.SELU, "attend").to("norm")
            .to(EdgeActivation.LEAKY_RELU, 0.3f, "drop").to(EdgeActivation.GELU_TANH, "vocab")
            .to(EdgeActivation.SOFTMAX, "p").done()
        .lossTap("p", Loss.CROSS_ENTROPY, "targets")
        .layer("conv", new Conv2d(8, 3, 2, 1, 2, 2, false))
        .layer("bn", new BatchNorm(1e-3, 0.05))
        .layer("avg", new Pool2d(Pool2d.Mode.AVG, 3, 1, 1))
        .layer("flat", new Flatten())
        .layer("regress", new Ratio(3, 4, "image"))
        .consumer("out")
        .flow("image").to(EdgeActivation.PRELU, "conv").to(EdgeActivation.ELU, "bn")
            .to(EdgeActivation.TANH, "avg").to("flat").to(EdgeActivation.SOFTPLUS, "regress")
            .to(EdgeActivation.SOFTSIGN, "out").done()
        .lossTap("out", Loss.MSE, "values")
        .build();
    roundTrips(graph);
  }
}
