package dev.harmonics.graph.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.graph.ExampleGraphs;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphDigestTest {

  private static final Path EXAMPLES = Path.of("..", "examples");

  private static final String MLP = """
      harmonic m {
        producer x {784}; producer y {1};
        layer h1 dense(units=256); layer h2 dense(units=10);
        consumer p;
        cycle { x -> h1 -(relu)-> h2 -(softmax)-> p; p <-(cross_entropy)- y; }
      }
      """;

  private static String digest(String harp) {
    return GraphDigest.of(HarpParser.parse(harp, "digest.harp"));
  }

  @Test
  void builderAndParsedExamplesHaveTheSameDigest() throws IOException {
    assertEquals(GraphDigest.of(ExampleGraphs.mlp()),
        GraphDigest.of(HarpParser.parse(EXAMPLES.resolve("fashion_mlp.harp"))));
    assertEquals(GraphDigest.of(ExampleGraphs.cnn()),
        GraphDigest.of(HarpParser.parse(EXAMPLES.resolve("fashion_cnn.harp"))));
    assertTrue(GraphDigest.of(ExampleGraphs.mlp()).matches("[0-9a-f]{64}"));
  }

  @Test
  void canonicalFormIsPinned() {
    // The documented format (docs/harp.md); changing it changes every digest, so do it knowingly.
    assertEquals("""
        harmonics-graph-canonical v1
        harmonic m
        layer h1 dense(units=256, bias=true) {784} -> {256}
        layer h2 dense(units=10, bias=true) {256} -> {10}
        consumer p {10}
        producer x {784}
        producer y {1}
        arrow h1 -(relu)-> h2
        arrow h2 -(softmax)-> p
        arrow x -> h1
        tap p <-(cross_entropy)- y CLASS_INDEX
        """, CanonicalForm.of(HarpParser.parse(MLP, "digest.harp")));
  }

  @Test
  void declarationOrderCommentsAndLineSplittingDoNotChangeTheDigest() {
    String reordered = """
        # the same graph, written differently
        harmonic m {
          consumer p;
          layer h2 dense(10, bias=true);
          producer y {1};
          cycle {
            p <-(cross_entropy)- y;
            h2 -(softmax)-> p;
          }
          layer h1 dense(units=256);
          producer x {784};
          cycle { h2 <-(relu)- h1 <- x; }
        }
        """;
    assertEquals(digest(MLP), digest(reordered));
  }

  @Test
  void everyChangeChangesTheDigest() {
    List<String> variants = List.of(
        MLP,
        MLP.replace("harmonic m", "harmonic n"),
        MLP.replace("h1", "hidden"),
        MLP.replace("units=256", "units=255"),
        MLP.replace("dense(units=10)", "dense(units=10, bias=false)"),
        MLP.replace("-(relu)->", "-(gelu)->"),
        MLP.replace("-(relu)->", "-(leaky_relu)->"),
        MLP.replace("-(relu)->", "-(leaky_relu(0.2))->"),
        MLP.replace("-(softmax)->", "-(sigmoid)->"),
        MLP.replace("y {1}", "y {10}"),
        MLP.replace("{784}", "{1,28,28}").replace("layer h1", "layer f flatten; layer h1")
            .replace("x -> h1", "x -> f -> h1"),
        MLP.replace("y {1}", "y {10}").replace("cross_entropy", "mse"));
    Set<String> digests = new HashSet<>();
    for (String variant : variants) {
      assertTrue(digests.add(digest(variant)), "same digest as an earlier variant:\n" + variant);
    }
  }
}
