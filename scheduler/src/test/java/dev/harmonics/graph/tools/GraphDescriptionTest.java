package dev.harmonics.graph.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.graph.ExampleGraphs;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GraphDescriptionTest {

  @Test
  void mlpTableListsNodesInOrderWithShapesAndParameters() {
    String text = GraphDescription.of(ExampleGraphs.mlp());
    // 784*256+256 + 256*128+128 + 128*10+10
    assertTrue(text.startsWith("graph fashion_mlp: 2 producers, 3 layers, 1 consumer, 4 arrows,"
        + " 235,146 parameters\n"), text);
    assertTrue(Pattern.compile("(?m)^  hidden1 +dense\\(units=256, bias=true\\) +images +\\{256\\}"
        + " +200,960$").matcher(text).find(), text);
    assertTrue(Pattern.compile("(?m)^  hidden2 +dense\\(units=128, bias=true\\) +relu\\(hidden1\\)"
        + " +\\{128\\} +32,896$").matcher(text).find(), text);
    assertTrue(Pattern.compile("(?m)^  probabilities +consumer +softmax\\(logits\\) +\\{10\\} +-$")
        .matcher(text).find(), text);
    assertTrue(text.contains("probabilities <-(cross_entropy)- labels  (target class indices)"),
        text);
    int images = text.indexOf("  images ");
    int logits = text.indexOf("  logits ");
    assertTrue(images > 0 && logits > images, text);
  }

  @Test
  void cnnParameterTotal() {
    String text = GraphDescription.of(ExampleGraphs.cnn());
    long expected = (32L * 9 + 32) + (64L * 32 * 9 + 64) + (3136L * 128 + 128) + (128L * 10 + 10);
    assertEquals(expected, ExampleGraphs.cnn().parameterCount());
    assertTrue(text.contains(String.format(java.util.Locale.ROOT, "%,d parameters", expected)),
        text);
    assertTrue(text.contains("{64,7,7}"), text);
  }
}
