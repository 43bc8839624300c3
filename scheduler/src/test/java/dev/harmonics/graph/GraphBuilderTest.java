package dev.harmonics.graph;

import static dev.harmonics.graph.EdgeActivation.RELU;
import static dev.harmonics.graph.EdgeActivation.SIGMOID;
import static dev.harmonics.graph.EdgeActivation.SOFTMAX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {

  static HarmonicGraph mlp() {
    return ExampleGraphs.mlp();
  }

  private static GraphException fails(GraphBuilder builder) {
    return assertThrows(GraphException.class, builder::build);
  }

  @Test
  void mlpResolvesShapesParametersAndOrder() {
    HarmonicGraph g = mlp();
    assertEquals(List.of("images", "labels", "hidden1", "hidden2", "logits", "probabilities"),
        g.nodes().stream().map(Node::name).toList());
    LayerNode hidden1 = (LayerNode) g.node("hidden1");
    assertEquals(Shape.of(784), hidden1.inputShape());
    assertEquals(Shape.of(256), hidden1.outputShape());
    assertEquals(784L * 256 + 256 + 256L * 128 + 128 + 128L * 10 + 10, g.parameterCount());
    assertEquals(Shape.of(10), g.node("probabilities").outputShape());
    LossTap tap = g.lossTaps().getFirst();
    assertEquals("labels", tap.target());
    assertEquals(LossTap.TargetEncoding.CLASS_INDEX, tap.encoding());
  }

  @Test
  void eachArrowAppliesItsFunctionToItsLeftNodeAndFeedsItsRightNode() {
    HarmonicGraph g = mlp();
    Edge intoHidden1 = g.input("hidden1").orElseThrow();
    assertEquals("images", intoHidden1.from());
    assertEquals(EdgeActivation.IDENTITY, intoHidden1.activation());
    Edge intoHidden2 = g.input("hidden2").orElseThrow();
    assertEquals("hidden1", intoHidden2.from());
    assertEquals(RELU, intoHidden2.activation());
    Edge intoProbabilities = g.input("probabilities").orElseThrow();
    assertEquals("logits", intoProbabilities.from());
    assertEquals(SOFTMAX, intoProbabilities.activation());
    assertTrue(g.input("images").isEmpty());
    assertEquals(List.of(intoHidden2), g.outputs("hidden1"));
  }

  @Test
  void cnnShapesFollowConvolutionAndPoolingArithmetic() {
    HarmonicGraph g = HarmonicGraph.builder("cnn")
        .producer("images", Shape.of(1, 28, 28))
        .producer("labels", Shape.of(1))
        .layer("conv1", Conv2d.of(32, 3).withPadding(1))
        .layer("pool1", Pool2d.max(2))
        .layer("conv2", Conv2d.of(64, 3))
        .layer("pool2", new Pool2d(Pool2d.Mode.AVG, 3, 2, 1))
        .layer("flat", new Flatten())
        .layer("out", Dense.of(10))
        .consumer("p")
        .flow("images").to("conv1").to(RELU, "pool1").to("conv2").to(RELU, "pool2")
            .to("flat").to("out").to(SOFTMAX, "p").done()
        .lossTap("p", Loss.CROSS_ENTROPY, "labels")
        .build();
    assertEquals(Shape.of(32, 28, 28), g.node("conv1").outputShape());
    assertEquals(Shape.of(32, 14, 14), g.node("pool1").outputShape());
    assertEquals(Shape.of(64, 12, 12), g.node("conv2").outputShape());
    assertEquals(Shape.of(64, 6, 6), g.node("pool2").outputShape());
    assertEquals(Shape.of(2304), g.node("flat").outputShape());
    assertEquals(32L * 9 + 32, ((LayerNode) g.node("conv1")).parameterCount());
    assertEquals(64L * 32 * 9 + 64, ((LayerNode) g.node("conv2")).parameterCount());
  }

  @Test
  void ratiosAndPlainLayersResolveToDenseUnits() {
    HarmonicGraph g = HarmonicGraph.builder("mnist")
        .producer("images", Shape.of(784))
        .producer("labels", new Ratio(1, 4, "images"))
        .layer("input")
        .layer("hidden", new Ratio(1, 2, "input"))
        .layer("output", new Ratio(1, 2, "hidden"))
        .flow("images").to(RELU, "input").to(RELU, "hidden").to(SIGMOID, "output").done()
        .consumer("sink")
        .connect("output", EdgeActivation.IDENTITY, "sink")
        .lossTap("sink", Loss.MSE, "labels")
        .build();
    assertEquals(new Dense(784, true), ((LayerNode) g.node("input")).spec());
    assertEquals(Shape.of(392), g.node("hidden").outputShape());
    assertEquals(Shape.of(196), g.node("output").outputShape());
    assertEquals(Shape.of(196), g.node("labels").outputShape());
  }

  @Test
  void attentionEmbeddingAndNormsKeepOrExtendShapes() {
    HarmonicGraph g = HarmonicGraph.builder("tiny_transformer")
        .producer("tokens", Shape.of(16))
        .producer("targets", Shape.of(16, 1))
        .layer("embed", new Embedding(1000, 64))
        .layer("attend", new MultiHeadAttention(8, 64, true))
        .layer("norm", LayerNorm.defaults())
        .layer("drop", new Dropout(0.1))
        .layer("bn", BatchNorm.defaults())
        .layer("vocab", Dense.of(1000))
        .consumer("p")
        .flow("tokens").to("embed").to("attend").to("norm").to("drop").to("bn")
            .to(EdgeActivation.GELU, "vocab").to(SOFTMAX, "p").done()
        .lossTap("p", Loss.CROSS_ENTROPY, "targets")
        .build();
    assertEquals(Shape.of(16, 64), g.node("attend").outputShape());
    assertEquals(4L * (64 * 64 + 64), ((LayerNode) g.node("attend")).parameterCount());
    assertEquals(2L * 16, ((LayerNode) g.node("bn")).parameterCount());
    assertEquals(Shape.of(16, 1000), g.node("p").outputShape());
  }

  @Test
  void shapeMismatchNamesTheNodeWhatArrivedAndWhatWasExpected() {
    GraphException e = fails(HarmonicGraph.builder("bad")
        .producer("images", Shape.of(784))
        .layer("conv", Conv2d.of(8, 3))
        .consumer("out")
        .flow("images").to("conv").to("out").done());
    assertTrue(e.getMessage().contains("layer 'conv' (conv2d)"), e.getMessage());
    assertTrue(e.getMessage().contains("{784}"), e.getMessage());
    assertTrue(e.expected().contains("rank 3"), e.getMessage());
  }

  @Test
  void kernelLargerThanImageIsRefused() {
    GraphException e = fails(HarmonicGraph.builder("bad")
        .producer("images", Shape.of(1, 4, 4))
        .layer("conv", Conv2d.of(8, 5))
        .consumer("out")
        .flow("images").to("conv").to("out").done());
    assertTrue(e.getMessage().contains("{1,4,4}"), e.getMessage());
  }

  @Test
  void duplicateNamesAreRefusedAcrossKinds() {
    GraphBuilder b = HarmonicGraph.builder("dup").producer("x", Shape.of(3));
    GraphException e = assertThrows(GraphException.class, () -> b.consumer("x"));
    assertTrue(e.getMessage().contains("duplicate name 'x'"), e.getMessage());
  }

  @Test
  void structuralErrorsAreNamed() {
    assertTrue(fails(HarmonicGraph.builder("empty").producer("x", Shape.of(1)))
        .getMessage().contains("empty cycle"));
    assertTrue(fails(HarmonicGraph.builder("unknown").producer("x", Shape.of(1))
        .consumer("y").connect("x", RELU, "nope")).getMessage().contains("unknown node 'nope'"));
    assertTrue(fails(HarmonicGraph.builder("two").producer("a", Shape.of(1))
        .producer("b", Shape.of(1)).consumer("c").connect("a", RELU, "c")
        .connect("b", RELU, "c")).getMessage().contains("second input"));
    assertTrue(fails(HarmonicGraph.builder("unused").producer("a", Shape.of(1))
        .producer("b", Shape.of(1)).consumer("c").connect("a", RELU, "c"))
        .getMessage().contains("producer 'b' is not used"));
    assertTrue(fails(HarmonicGraph.builder("noinput").producer("a", Shape.of(1))
        .layer("l").consumer("c").connect("a", RELU, "c"))
        .getMessage().contains("layer 'l' (dense) has no input"));
    assertTrue(fails(HarmonicGraph.builder("intoproducer").producer("a", Shape.of(1))
        .layer("l").connect("a", RELU, "l").connect("l", RELU, "a"))
        .getMessage().contains("producer 'a' receives"));
  }

  @Test
  void loopsAreNamed() {
    GraphException e = fails(HarmonicGraph.builder("loop").producer("a", Shape.of(4))
        .layer("l1").layer("l2").layer("l3")
        .connect("a", RELU, "l1").connect("l2", RELU, "l3").connect("l3", RELU, "l2"));
    assertTrue(e.getMessage().contains("loop"), e.getMessage());
    // Walking back from l2, the first node left over, names the loop from l3.
    assertTrue(e.getMessage().contains("the flow lines form a loop: l3 -> l2 -> l3"),
        e.getMessage());
  }

  @Test
  void badRatiosAreRefused() {
    GraphException inexact = fails(HarmonicGraph.builder("r").producer("a", Shape.of(5))
        .layer("h", new Ratio(1, 2, "a")).consumer("c").flow("a").to("h").to("c").done());
    assertTrue(inexact.getMessage().contains("bad ratio 1/2 a"), inexact.getMessage());
    GraphException self = fails(HarmonicGraph.builder("r").producer("a", Shape.of(4))
        .layer("h", new Ratio(1, 2, "h")).consumer("c").flow("a").to("h").to("c").done());
    assertTrue(self.getMessage().contains("depends on itself"), self.getMessage());
  }

  @Test
  void lossTapsAreChecked() {
    GraphBuilder onLogits = HarmonicGraph.builder("t").producer("x", Shape.of(4))
        .producer("y", Shape.of(1)).layer("logits", Dense.of(3)).consumer("p")
        .flow("x").to("logits").to(SOFTMAX, "p").done()
        .lossTap("logits", Loss.CROSS_ENTROPY, "y");
    assertTrue(fails(onLogits).expected().contains("-(softmax)->"));
    GraphBuilder wrongTarget = HarmonicGraph.builder("t").producer("x", Shape.of(4))
        .producer("y", Shape.of(2)).layer("logits", Dense.of(3)).consumer("p")
        .flow("x").to("logits").to(SOFTMAX, "p").done()
        .lossTap("p", Loss.CROSS_ENTROPY, "y");
    GraphException e = fails(wrongTarget);
    assertTrue(e.getMessage().contains("{2}") && e.expected().contains("{3}"), e.getMessage());
    GraphBuilder mse = HarmonicGraph.builder("t").producer("x", Shape.of(4))
        .producer("y", Shape.of(2)).layer("out", Dense.of(3)).consumer("c")
        .flow("x").to("out").to("c").done().lossTap("out", Loss.MSE, "y");
    assertTrue(fails(mse).expected().contains("{3}"));
  }

  @Test
  void declaredConsumerShapeIsChecked() {
    GraphException e = fails(HarmonicGraph.builder("c").producer("x", Shape.of(4))
        .layer("out", Dense.of(3)).consumer("sink", Shape.of(4))
        .flow("x").to("out").to("sink").done());
    assertTrue(e.getMessage().contains("receives shape {3}") && e.expected().contains("{4}"),
        e.getMessage());
  }

  @Test
  void layerSettingsAreValidatedWhenConstructed() {
    assertThrows(IllegalArgumentException.class, () -> Dense.of(0));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(6, 3, 1, 0, 1, 4, true));
    assertThrows(IllegalArgumentException.class, () -> new Pool2d(Pool2d.Mode.MAX, 2, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(3, 64, true));
    assertThrows(IllegalArgumentException.class, () -> Shape.of(3, 0));
  }
}
