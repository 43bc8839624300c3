package dev.harmonics.graph.harp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.graph.BatchNorm;
import dev.harmonics.graph.Conv2d;
import dev.harmonics.graph.Dense;
import dev.harmonics.graph.Dropout;
import dev.harmonics.graph.Edge;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.Embedding;
import dev.harmonics.graph.ExampleGraphs;
import dev.harmonics.graph.Flatten;
import dev.harmonics.graph.GraphException;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerNode;
import dev.harmonics.graph.LayerNorm;
import dev.harmonics.graph.LossTap;
import dev.harmonics.graph.MultiHeadAttention;
import dev.harmonics.graph.Node;
import dev.harmonics.graph.Pool2d;
import dev.harmonics.graph.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarpParserTest {

  /** The module runs its tests from scheduler/, and the examples live at the repository root. */
  static final Path EXAMPLES = Path.of("..", "examples");

  private static HarmonicGraph parse(String text) {
    return HarpParser.parse(text, "test.harp");
  }

  /** Parses {@code text}, expects an error at {@code line:column} and returns it. */
  private static GraphException failsAt(String text, int line, int column) {
    GraphException e = assertThrows(GraphException.class, () -> parse(text));
    assertEquals("test.harp:" + line + ":" + column, e.origin().toString(), e.getMessage());
    assertTrue(e.getMessage().startsWith("test.harp:" + line + ":" + column + ": "),
        e.getMessage());
    return e;
  }

  private static String layer(HarmonicGraph g, String name) {
    return ((LayerNode) g.node(name)).spec().canonical();
  }

  @Test
  void mlpExampleParsesToTheBuilderGraph() throws IOException {
    HarmonicGraph parsed = HarpParser.parse(EXAMPLES.resolve("fashion_mlp.harp"));
    HarmonicGraph built = ExampleGraphs.mlp();
    assertEquals(structure(built), structure(parsed));
    assertEquals("fashion_mlp.harp:7:9", parsed.node("hidden1").origin().toString());
  }

  @Test
  void cnnExampleResolvesItsShapes() throws IOException {
    HarmonicGraph g = HarpParser.parse(EXAMPLES.resolve("fashion_cnn.harp"));
    assertEquals(Shape.of(64, 7, 7), g.node("pool2").outputShape());
    assertEquals(Shape.of(3136), g.node("flat").outputShape());
    assertEquals(Shape.of(10), g.node("probabilities").outputShape());
    assertEquals(LossTap.TargetEncoding.CLASS_INDEX, g.lossTaps().getFirst().encoding());
    assertEquals(structure(ExampleGraphs.cnn()), structure(g));
  }

  /** Names, kinds, shapes and settings of nodes; arrows; taps: everything but positions. */
  static List<String> structure(HarmonicGraph g) {
    List<String> nodes = g.nodes().stream().map(n -> n.kindName() + " " + n.name() + " "
        + n.outputShape() + (n instanceof LayerNode l ? " " + l.spec().canonical() : "")).toList();
    List<String> edges = g.edges().stream().map(Edge::toString).toList();
    List<String> taps = g.lossTaps().stream().map(t -> t + " " + t.encoding()).toList();
    return List.of(g.name(), nodes.toString(), edges.toString(), taps.toString());
  }

  @Test
  void everyLayerKindAndSettingCanBeWritten() {
    HarmonicGraph g = parse("""
        harmonic all {
          producer tokens {16};
          producer targets {16, 1};
          producer image {3, 32, 32};
          layer embed embedding(vocab=1000, dim=64);
          layer attend attention(heads=8, dim=64, bias=false);
          layer norm layernorm(epsilon=1e-6);
          layer drop dropout(0.25);
          layer out dense(1000, bias=false);
          consumer p;
          layer conv conv2d(out=16, kernel=5, stride=2, padding=2, dilation=1, groups=1);
          layer bn batchnorm(momentum=0.01);
          layer pool avgpool2d(kernel=3, stride=2, padding=1);
          layer maxp maxpool2d(2);
          layer flat flatten;
          layer flat2 flatten();
          consumer features;
          cycle {
            tokens -> embed -> attend -> norm -> drop -(gelu)-> out -(softmax)-> p;
            p <-(cross_entropy)- targets;
            image -> conv -> bn -(leaky_relu(0.2))-> pool -> maxp -> flat -> flat2 -> features;
          }
        }
        """);
    assertEquals(new Embedding(1000, 64), ((LayerNode) g.node("embed")).spec());
    assertEquals(new MultiHeadAttention(8, 64, false), ((LayerNode) g.node("attend")).spec());
    assertEquals(new LayerNorm(1e-6), ((LayerNode) g.node("norm")).spec());
    assertEquals(new Dropout(0.25), ((LayerNode) g.node("drop")).spec());
    assertEquals(new Dense(1000, false), ((LayerNode) g.node("out")).spec());
    assertEquals(new Conv2d(16, 5, 2, 2, 1, 1, true), ((LayerNode) g.node("conv")).spec());
    assertEquals(new BatchNorm(1e-5, 0.01), ((LayerNode) g.node("bn")).spec());
    assertEquals(new Pool2d(Pool2d.Mode.AVG, 3, 2, 1), ((LayerNode) g.node("pool")).spec());
    assertEquals(Pool2d.max(2), ((LayerNode) g.node("maxp")).spec());
    assertEquals(new Flatten(), ((LayerNode) g.node("flat2")).spec());
    assertEquals(Shape.of(16, 8, 8), g.node("pool").outputShape());
    assertEquals(Shape.of(256), g.node("features").outputShape());
    Edge leaky = g.input("pool").orElseThrow();
    assertEquals(EdgeActivation.LEAKY_RELU, leaky.activation());
    assertEquals(0.2f, leaky.alpha());
    assertEquals("drop", g.input("out").orElseThrow().from());
  }

  @Test
  void originalHarpExampleWithRatiosAndBothCommentStyles() {
    HarmonicGraph g = parse("""
        // the C++ library's example, with a comment of each kind
        harmonic mnist_train_cycle { # a comment after code
          producer images {784}; producer labels 1/4 images; // another
          layer input; layer hidden 1/2 input; layer output 1/2 hidden;
          consumer sink;
          cycle { images -(relu)-> input -(relu)-> hidden -(sigmoid)-> output -> sink;
                  output <-(mse)- labels; }
        }
        """);
    assertEquals(Shape.of(196), g.node("labels").outputShape());
    assertEquals("dense(units=784, bias=true)", layer(g, "input"));
    assertEquals(Shape.of(392), g.node("hidden").outputShape());
    assertEquals(List.of("images", "labels", "input", "hidden", "output", "sink"),
        g.nodes().stream().map(Node::name).toList());
  }

  @Test
  void backwardArrowsFeedTheNodeOnTheirLeft() {
    HarmonicGraph g = parse("""
        harmonic back {
          producer x {4}; layer a; layer b; consumer c;
          cycle { c <-(tanh)- b <- a <-(relu)- x; }
        }
        """);
    assertEquals("x -(relu)-> a", g.input("a").orElseThrow().toString());
    assertEquals("a -> b", g.input("b").orElseThrow().toString());
    assertEquals("b -(tanh)-> c", g.input("c").orElseThrow().toString());
  }

  private static final String MLP_HEAD = """
      harmonic m {
        producer x {4};
        producer y {1};
        layer h dense(units=3);
        consumer p;
      """;

  @Test
  void truncatedFile() {
    GraphException e = failsAt(MLP_HEAD + "  cycle { x -> h -(softmax)-> p;", 6, 33);
    assertTrue(e.getMessage().contains("the file ends too soon"), e.getMessage());
    failsAt("harmonic m { producer x {4", 1, 27);
    failsAt("", 1, 1);
  }

  @Test
  void badArrows() {
    GraphException e = failsAt(MLP_HEAD + "  cycle { x => h; }\n}", 6, 13);
    assertTrue(e.expected().contains("arrow"), e.getMessage());
    failsAt(MLP_HEAD + "  cycle { x -(relu) h; }\n}", 6, 21);
    failsAt(MLP_HEAD + "  cycle { x - h; }\n}", 6, 15);
    failsAt(MLP_HEAD + "  cycle { x <-(relu)> h; }\n}", 6, 21);
    failsAt(MLP_HEAD + "  cycle { x -> ; }\n}", 6, 16);
  }

  @Test
  void unknownLayerKind() {
    GraphException e = failsAt("harmonic m {\n  layer h densse(units=3);\n}", 2, 11);
    assertTrue(e.getMessage().contains("unknown layer kind 'densse'"), e.getMessage());
    assertTrue(e.expected().contains("conv2d"), e.getMessage());
  }

  @Test
  void missingSemicolons() {
    GraphException e = failsAt("harmonic m {\n  producer x {4}\n  layer h;\n}", 3, 3);
    assertTrue(e.expected().contains("';' ending the declaration of 'x'"), e.getMessage());
    failsAt(MLP_HEAD + "  cycle { x -> h\n h -(softmax)-> p; }\n}", 7, 2);
  }

  @Test
  void duplicateNames() {
    GraphException e = failsAt("harmonic m {\n  producer x {4};\n  consumer x;\n}", 3, 12);
    assertTrue(e.getMessage().contains("duplicate name 'x'"), e.getMessage());
    assertTrue(e.getMessage().contains("test.harp:2:12"), e.getMessage());
  }

  @Test
  void shapeMismatches() {
    GraphException conv = failsAt("""
        harmonic m {
          producer x {784};
          layer c conv2d(out=8, kernel=3);
          consumer p;
          cycle { x -> c -> p; }
        }
        """, 3, 9);
    assertTrue(conv.getMessage().contains("input shape {784}"), conv.getMessage());
    assertTrue(conv.expected().contains("rank 3"), conv.getMessage());
    GraphException consumer = failsAt("""
        harmonic m {
          producer x {4};
          layer h dense(units=3);
          consumer p {4};
          cycle { x -> h -> p; }
        }
        """, 4, 12);
    assertTrue(consumer.getMessage().contains("receives shape {3}"), consumer.getMessage());
    GraphException target = failsAt(MLP_HEAD.replace("y {1}", "y {2}")
        + "  cycle { x -> h -(softmax)-> p;\n  p <-(cross_entropy)- y; }\n}", 7, 3);
    assertTrue(target.expected().contains("{3}"), target.getMessage());
  }

  @Test
  void unknownActivationAndLossMisuse() {
    GraphException e = failsAt(MLP_HEAD + "  cycle { x -(relux)-> h -> p; }\n}", 6, 15);
    assertTrue(e.getMessage().contains("unknown function 'relux'"), e.getMessage());
    assertTrue(e.expected().contains("gelu"), e.getMessage());
    failsAt(MLP_HEAD + "  cycle { x -(mse)-> h -> p; }\n}", 6, 15);
    failsAt(MLP_HEAD + "  cycle { p <-(mse)- h <- x; }\n}", 6, 13);
    failsAt(MLP_HEAD + "  cycle { x -(relu(0.1))-> h -> p; }\n}", 6, 20);
  }

  @Test
  void badRatios() {
    failsAt("harmonic m {\n  producer x {4};\n  layer h 1/0 x;\n}", 3, 13);
    GraphException inexact = failsAt(
        "harmonic m {\n  producer x {5};\n  layer h 1/2 x;\n consumer c;\n"
            + " cycle { x -> h -> c; }\n}",
        3, 9);
    assertTrue(inexact.getMessage().contains("bad ratio 1/2 x"), inexact.getMessage());
    failsAt("harmonic m {\n  producer x {4};\n  layer h 1/2 nowhere;\n}", 3, 15);
    failsAt("harmonic m {\n  producer x {4};\n  layer h 1 x;\n}", 3, 13);
  }

  @Test
  void emptyOrMissingCycle() {
    GraphException empty = failsAt("harmonic m {\n  producer x {4};\n  cycle { }\n}", 3, 3);
    assertTrue(empty.getMessage().contains("empty cycle"), empty.getMessage());
    GraphException none = failsAt("harmonic m {\n  producer x {4};\n}", 1, 1);
    assertTrue(none.getMessage().contains("no cycle"), none.getMessage());
  }

  @Test
  void unknownNodesInFlowLines() {
    GraphException e = failsAt(MLP_HEAD + "  cycle { x -> hh -> p; }\n}", 6, 16);
    assertTrue(e.getMessage().contains("unknown node 'hh'"), e.getMessage());
    assertTrue(e.expected().contains("x, y, h, p"), e.getMessage());
  }

  @Test
  void badSettings() {
    GraphException unknown = failsAt("harmonic m {\n  layer c conv2d(out=8, kernal=3);\n}", 2, 25);
    assertTrue(unknown.getMessage().contains("unknown setting 'kernal'"), unknown.getMessage());
    GraphException missing = failsAt("harmonic m {\n  layer c conv2d(out=8);\n}", 2, 11);
    assertTrue(missing.getMessage().contains("without its setting 'kernel'"));
    failsAt("harmonic m {\n  layer d dense(units=2.5);\n}", 2, 23);
    failsAt("harmonic m {\n  layer d dense(units=4, units=5);\n}", 2, 26);
    failsAt("harmonic m {\n  layer d dense(bias=maybe, units=4);\n}", 2, 22);
    GraphException range = failsAt("harmonic m {\n  layer d dropout(rate=1.5);\n}", 2, 11);
    assertTrue(range.getMessage().contains("dropout rate: 1.5"), range.getMessage());
    assertTrue(range.expected().contains("[0, 1)"), range.getMessage());
    failsAt("harmonic m {\n  layer d dense(4, true, 5);\n}", 2, 26);
  }

  @Test
  void lexicalErrors() {
    GraphException e = failsAt("harmonic m {\n  producer x @ {4};\n}", 2, 14);
    assertTrue(e.getMessage().contains("unexpected character '@'"), e.getMessage());
    failsAt("harmonic m {\n  producer x {4x};\n}", 2, 15);
    failsAt("harmonic m {\n  producer x {4};\n  cycle { x < h; }\n}", 3, 13);
    failsAt("harmonic m {\n  producer x {99999999999};\n}", 2, 15);
    failsAt("harmonic m {\n  producer x {4, 0};\n}", 2, 18);
  }

  @Test
  void structureErrors() {
    failsAt("graph m { }", 1, 1);
    failsAt("harmonic m {\n  neuron x;\n}", 2, 3);
    failsAt(MLP_HEAD + "  cycle { x -> h -> p; }\n}\nextra", 8, 1);
    GraphException tapInLine = failsAt(MLP_HEAD
        + "  cycle { x -> h -(softmax)-> p <-(cross_entropy)- y; }\n}", 6, 33);
    assertTrue(tapInLine.expected().contains("line of its own"), tapInLine.getMessage());
  }
}
