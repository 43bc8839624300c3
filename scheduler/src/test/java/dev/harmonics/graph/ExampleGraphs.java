package dev.harmonics.graph;

import static dev.harmonics.graph.EdgeActivation.RELU;
import static dev.harmonics.graph.EdgeActivation.SOFTMAX;

/** The shipped examples built in Java, to compare with what the parser makes of the files. */
public final class ExampleGraphs {

  private ExampleGraphs() {}

  /** examples/fashion_mlp.harp, through the builder. */
  public static HarmonicGraph mlp() {
    return HarmonicGraph.builder("fashion_mlp")
        .producer("images", Shape.of(784))
        .producer("labels", Shape.of(1))
        .layer("hidden1", Dense.of(256))
        .layer("hidden2", Dense.of(128))
        .layer("logits", Dense.of(10))
        .consumer("probabilities", Shape.of(10))
        .flow("images").to("hidden1").to(RELU, "hidden2").to(RELU, "logits")
            .to(SOFTMAX, "probabilities").done()
        .lossTap("probabilities", Loss.CROSS_ENTROPY, "labels")
        .build();
  }

  /** examples/fashion_cnn.harp, through the builder. */
  public static HarmonicGraph cnn() {
    return HarmonicGraph.builder("fashion_cnn")
        .producer("images", Shape.of(1, 28, 28))
        .producer("labels", Shape.of(1))
        .layer("conv1", Conv2d.of(32, 3).withPadding(1))
        .layer("pool1", Pool2d.max(2))
        .layer("conv2", Conv2d.of(64, 3).withPadding(1))
        .layer("pool2", Pool2d.max(2))
        .layer("flat", new Flatten())
        .layer("hidden", Dense.of(128))
        .layer("logits", Dense.of(10))
        .consumer("probabilities", Shape.of(10))
        .flow("images").to("conv1").to(RELU, "pool1").to("conv2").to(RELU, "pool2").to("flat")
            .to("hidden").to(RELU, "logits").to(SOFTMAX, "probabilities").done()
        .lossTap("probabilities", Loss.CROSS_ENTROPY, "labels")
        .build();
  }
}
