package dev.harmonics.graph.harp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.harmonics.graph.GraphException;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged files must fail with a positioned {@link GraphException}, never with another exception
 * (an index out of bounds, a null pointer): every prefix of an example and seeded random edits.
 */
class HarpRobustnessTest {

  private static final String CHARACTERS = "{}()<>-/=;,#.0123456789 \nabcxyz_";

  private static String example() throws IOException {
    return Files.readString(HarpParserTest.EXAMPLES.resolve("fashion_cnn.harp"),
        StandardCharsets.UTF_8);
  }

  /** Parses and returns normally or with a positioned GraphException; fails on anything else. */
  private static void parseOrRefuse(String text) {
    try {
      HarpParser.parse(text, "damaged.harp");
    } catch (GraphException e) {
      assertTrue(e.origin().known(), "no position in: " + e.getMessage() + "\nfor:\n" + text);
      assertTrue(e.getMessage().startsWith("damaged.harp:"), e.getMessage());
    } catch (RuntimeException e) {
      fail("not a GraphException for:\n" + text, e);
    }
  }

  @Test
  void everyTruncationIsRefusedWithAPosition() throws IOException {
    String text = example();
    // The last '}' closes the graph, so every prefix that stops before it is incomplete.
    for (int length = 0; length <= text.lastIndexOf('}'); length++) {
      String prefix = text.substring(0, length);
      GraphException e = assertThrows(GraphException.class,
          () -> HarpParser.parse(prefix, "damaged.harp"), () -> "accepted:\n" + prefix);
      assertTrue(e.origin().known(), e.getMessage());
    }
  }

  @Test
  void randomEditsNeverEscapeAsAnotherException() throws IOException {
    String text = example();
    Random random = new Random(20261123L);
    for (int trial = 0; trial < 2000; trial++) {
      StringBuilder damaged = new StringBuilder(text);
      int edits = 1 + random.nextInt(3);
      for (int i = 0; i < edits; i++) {
        int at = random.nextInt(damaged.length());
        char c = CHARACTERS.charAt(random.nextInt(CHARACTERS.length()));
        switch (random.nextInt(3)) {
          case 0 -> damaged.setCharAt(at, c);
          case 1 -> damaged.insert(at, c);
          default -> damaged.deleteCharAt(at);
        }
      }
      parseOrRefuse(damaged.toString());
    }
  }

  @Test
  void windowsLineEndingsTabsAndNumberForms() {
    HarmonicGraph g = HarpParser.parse("harmonic m {\r\n\tproducer x {8};\r\n"
        + "\tlayer n batchnorm(epsilon=.5, momentum=1e-2);\r\n\tlayer d dropout(rate=0.);\r\n"
        + "\tconsumer c;\r\n\tcycle { x -> n -> d -> c; }\r\n}\r\n", "crlf.harp");
    assertEquals(Shape.of(8), g.node("c").outputShape());
    assertEquals("crlf.harp:3:8", g.node("n").origin().toString());
  }

  @Test
  void ratiosMayReferToLaterNodesButNotInACircle() {
    HarmonicGraph g = HarpParser.parse("""
        harmonic m {
          producer x {8};
          producer y 1/1 out;
          layer out dense(units=4);
          consumer c;
          cycle { x -> out -> c; c <-(mse)- y; }
        }
        """, "ratio.harp");
    assertEquals(Shape.of(4), g.node("y").outputShape());
    GraphException e = assertThrows(GraphException.class,
        () -> HarpParser.parse("""
            harmonic m {
              producer a 1/1 b;
              producer b 2/1 a;
              consumer c; consumer d;
              cycle { a -> c; b -> d; }
            }
            """, "ratio.harp"));
    assertTrue(e.getMessage().startsWith("ratio.harp:2:12: the width of 'a' depends on itself"),
        e.getMessage());
  }

  @Test
  void hugeOutputsAreRefusedWithTheLayerNamed() {
    GraphException e = assertThrows(GraphException.class,
        () -> HarpParser.parse("""
            harmonic m {
              producer x {100000};
              layer big embedding(vocab=10, dim=100000);
              consumer c;
              cycle { x -> big -> c; }
            }
            """, "huge.harp"));
    assertTrue(e.getMessage().startsWith("huge.harp:3:9: layer 'big' (embedding)"),
        e.getMessage());
  }
}
